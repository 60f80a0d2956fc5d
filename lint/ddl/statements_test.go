package ddl

import (
	"reflect"
	"testing"
)

func TestStatements(t *testing.T) {
	src := "\\restrict abc\nSET search_path = app;\nCOPY app.t (id, note) FROM stdin;\n1\tsemi; colon\n2\t\\N\n\\.\n" +
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\n\\connect other\n" +
		"COPY app.t TO stdout;\nCOPY app.u FROM STDIN WITH (FORMAT csv);\na,b\n"
	got := Statements([]byte(src))
	var texts []string
	var data []string
	for _, s := range got {
		texts = append(texts, src[s.Start:s.End])
		data = append(data, string(s.CopyData))
	}
	wantTexts := []string{
		"SET search_path = app",
		"COPY app.t (id, note) FROM stdin",
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$",
		"COPY app.t TO stdout",
		"COPY app.u FROM STDIN WITH (FORMAT csv)",
	}
	if !reflect.DeepEqual(texts, wantTexts) {
		t.Fatalf("statements:\n%q\nwant\n%q", texts, wantTexts)
	}
	wantData := []string{"", "1\tsemi; colon\n2\t\\N\n", "", "", "a,b\n"}
	if !reflect.DeepEqual(data, wantData) {
		t.Errorf("copy data %q, want %q", data, wantData)
	}
	if got[1].CopyData == nil || got[3].CopyData != nil {
		t.Errorf("CopyData nil-ness: FROM stdin %v, TO stdout %v", got[1].CopyData == nil, got[3].CopyData != nil)
	}
	if got[2].Keywords[0] != "CREATE" || got[2].Keywords[1] != "FUNCTION" {
		t.Errorf("keywords %q", got[2].Keywords)
	}
}

// A quoted or commented "from stdin" is not COPY FROM stdin.
func TestStatementsCopyNotFromStdin(t *testing.T) {
	for _, src := range []string{
		"COPY t FROM '/tmp/from stdin.csv';\nSELECT 1;\n",
		"COPY t /* FROM stdin */ TO stdout;\nSELECT 1;\n",
	} {
		got := Statements([]byte(src))
		if len(got) != 2 || got[0].CopyData != nil {
			t.Errorf("%q: %+v", src, got)
		}
	}
}
