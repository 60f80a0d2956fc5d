package lint_test

import (
	"strings"
	"testing"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
)

func TestConfigUnmatched(t *testing.T) {
	cat := model.NewCatalog(model.FromMigrations)
	cat.Schemas["public"] = &model.Schema{Name: "public"}
	cat.AddTable(&model.Table{Schema: "public", Name: "plans"})
	cat.AddTable(&model.Table{Schema: "billing", Name: "rates"})

	cfg := lint.DefaultConfig()
	cfg.Schemas = []string{"public", "billing"}
	cfg.GlobalTables = []string{"public.plans", "rates"}
	if w := cfg.Unmatched(cat); len(w) != 0 {
		t.Errorf("every entry matches, got warnings %q", w)
	}

	cfg.Schemas = []string{"Public", "nope"}
	cfg.GlobalTables = []string{"plan", "public.plans"}
	w := cfg.Unmatched(cat)
	if len(w) != 2 {
		t.Fatalf("want a warning for schemas and one for global_tables, got %q", w)
	}
	for _, want := range []string{"Public (did you mean public?), nope", "no migration creates"} {
		if !strings.Contains(w[0], want) {
			t.Errorf("schemas warning %q lacks %q", w[0], want)
		}
	}
	if w[1] != "global_tables lists plan, which no migration creates" {
		t.Errorf("global_tables warning: %q", w[1])
	}
}
