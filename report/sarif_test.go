package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tenantguard/tenantguard/lint"
)

func decodeSARIF(t *testing.T, r *Report) sarifLog {
	t.Helper()
	var log sarifLog
	dec := json.NewDecoder(strings.NewReader(render(t, "sarif", Options{}, r)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	return log
}

// Every result points at its rule, has a file GitHub accepts, the
// object as a logical location, and a fingerprint.
func TestSARIFResults(t *testing.T) {
	r := fixture()
	run := decodeSARIF(t, r).Runs[0]
	if len(run.Results) != len(r.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(r.Findings))
	}
	rules := run.Tool.Driver.Rules
	for i, res := range run.Results {
		f := r.Findings[i]
		if res.RuleIndex < 0 || res.RuleIndex >= len(rules) || rules[res.RuleIndex].ID != res.RuleID || res.RuleID != f.Rule {
			t.Errorf("result %d: ruleId %s, ruleIndex %d does not point at it", i, res.RuleID, res.RuleIndex)
		}
		if len(res.Locations) != 1 || res.Locations[0].PhysicalLocation == nil || res.Locations[0].PhysicalLocation.ArtifactLocation.URI == "" {
			t.Errorf("result %d (%s): no physical location (GitHub rejects the upload)", i, f.Rule)
			continue
		}
		loc := res.Locations[0]
		wantURI := f.File
		if f.File == "" {
			wantURI = "tenantguard.yaml"
			if loc.Message == nil || !strings.Contains(loc.Message.Text, f.Object) {
				t.Errorf("result %d: a live finding's location should say which object it is: %+v", i, loc.Message)
			}
		} else if reg := loc.PhysicalLocation.Region; reg == nil || reg.StartLine != f.Line || reg.StartColumn != f.Column || reg.EndLine != f.EndLine {
			t.Errorf("result %d: region %+v, want %d:%d-%d", i, reg, f.Line, f.Column, f.EndLine)
		}
		if got := loc.PhysicalLocation.ArtifactLocation; got.URI != wantURI || got.URIBaseID != "%SRCROOT%" {
			t.Errorf("result %d: artifact %+v, want %s under %%SRCROOT%%", i, got, wantURI)
		}
		if f.ObjectKind != "file" {
			if len(loc.LogicalLocations) != 1 || loc.LogicalLocations[0].FullyQualifiedName != f.Object || loc.LogicalLocations[0].Kind != f.ObjectKind {
				t.Errorf("result %d: logical locations %+v, want %s %s", i, loc.LogicalLocations, f.ObjectKind, f.Object)
			}
		} else if len(loc.LogicalLocations) != 0 {
			t.Errorf("result %d: a file finding has logical locations %+v", i, loc.LogicalLocations)
		}
		if res.PartialFingerprints[fingerprintKey] != f.Fingerprint {
			t.Errorf("result %d: partialFingerprints %v, want %s", i, res.PartialFingerprints, f.Fingerprint)
		}
		if f.Suppressed != (len(res.Suppressions) == 1) {
			t.Errorf("result %d: suppressed %v but suppressions %+v", i, f.Suppressed, res.Suppressions)
		}
		if f.Suppressed && (res.Suppressions[0].Kind != "inSource" || res.Suppressions[0].Justification != f.Justification) {
			t.Errorf("result %d: suppression %+v", i, res.Suppressions[0])
		}
		wantState := "new"
		if f.Baseline {
			wantState = "unchanged"
		}
		if res.BaselineState != wantState {
			t.Errorf("result %d: baselineState %q, want %q", i, res.BaselineState, wantState)
		}
		if !strings.HasPrefix(res.Message.Text, f.Message) || (f.Detail != "" && !strings.HasSuffix(res.Message.Text, "\n\n"+f.Detail)) {
			t.Errorf("result %d: message %q lacks the finding's message or detail", i, res.Message.Text)
		}
		if want := map[lint.Severity]string{lint.Error: "error", lint.Warning: "warning", lint.Info: "note"}[f.Severity]; res.Level != want {
			t.Errorf("result %d: level %s, want %s", i, res.Level, want)
		}
	}
}

func TestSARIFRunMetadata(t *testing.T) {
	r := fixture()
	run := decodeSARIF(t, r).Runs[0]
	if run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("columnKind %q", run.ColumnKind)
	}
	d := run.Tool.Driver
	if d.Name != "tenantguard" || d.Version != "1.2.3" || d.SemanticVersion != "1.2.3" || d.InformationURI != RepoURL {
		t.Errorf("driver %+v", d)
	}
	if len(d.Rules) != len(r.Rules) {
		t.Fatalf("%d rules, want the %d that ran", len(d.Rules), len(r.Rules))
	}
	for _, ru := range d.Rules {
		if ru.ShortDescription.Text == "" || ru.FullDescription.Text == "" || ru.Help.Text == "" || ru.Help.Markdown == "" {
			t.Errorf("%s: descriptions and help are required by GitHub: %+v", ru.ID, ru)
		}
		if ru.HelpURI != RepoURL+"/blob/v1.2.3/docs/rules/"+ru.ID+".md" {
			t.Errorf("%s: helpUri %s", ru.ID, ru.HelpURI)
		}
		if !contains(ru.Properties.Tags, "security") || ru.Properties.Code == "" {
			t.Errorf("%s: properties %+v", ru.ID, ru.Properties)
		}
	}
	// GitHub ranks security alerts by security-severity.
	sev := map[string]string{}
	for _, ru := range d.Rules {
		sev[ru.ID] = ru.Properties.SecuritySeverity
	}
	for rule, want := range map[string]string{"probe-read-leak": "9.5", "rls-not-forced": "8.0", "tenant-column-nullable": "5.0", "table-unclassified": "2.0"} {
		if sev[rule] != want {
			t.Errorf("%s: security-severity %q, want %q", rule, sev[rule], want)
		}
	}
	if run.AutomationDetails.ID != "tenantguard/check/" {
		t.Errorf("automationDetails.id %q", run.AutomationDetails.ID)
	}
	inv := run.Invocations[0]
	if inv.ExecutionSuccessful || len(inv.ToolExecutionNotifications) != 1 ||
		!strings.Contains(inv.ToolExecutionNotifications[0].Message.Text, "0005_blob.sql") {
		t.Errorf("an unreadable file must make the invocation unsuccessful, with a notification: %+v", inv)
	}
	if inv.StartTimeUTC != "2025-03-04T05:06:07Z" || inv.EndTimeUTC != "2025-03-04T05:06:08.5Z" {
		t.Errorf("times %s .. %s", inv.StartTimeUTC, inv.EndTimeUTC)
	}

	r.Problems = nil
	if !decodeSARIF(t, r).Runs[0].Invocations[0].ExecutionSuccessful {
		t.Error("a run without problems is successful")
	}
}

// Runs of different kinds upload side by side: their automation ids
// differ.
func TestSARIFAutomationIDPerKind(t *testing.T) {
	ids := map[string]string{}
	for _, kind := range []string{"lint", "inspect", "probe", "check"} {
		r := fixture()
		r.Kind = kind
		id := decodeSARIF(t, r).Runs[0].AutomationDetails.ID
		if prev, ok := ids[id]; ok {
			t.Errorf("%s and %s share automationDetails.id %q", prev, kind, id)
		}
		ids[id] = kind
	}
}

// A rule whose severity the config changed is overridden in the
// invocation and ranked by its effective severity.
func TestSARIFSeverityOverride(t *testing.T) {
	r := fixture()
	for i := range r.Findings {
		if r.Findings[i].Rule == "rls-not-forced" {
			r.Findings[i].Severity = lint.Warning
		}
	}
	run := decodeSARIF(t, r).Runs[0]
	var found bool
	for _, o := range run.Invocations[0].RuleConfigurationOverrides {
		if o.Descriptor.ID == "rls-not-forced" {
			found = true
			if run.Tool.Driver.Rules[o.Descriptor.Index].ID != "rls-not-forced" || o.Configuration.Level != "warning" {
				t.Errorf("override %+v", o)
			}
		}
	}
	if !found {
		t.Error("no ruleConfigurationOverrides entry for rls-not-forced")
	}
	for _, ru := range run.Tool.Driver.Rules {
		if ru.ID == "rls-not-forced" && (ru.DefaultConfiguration.Level != "error" || ru.Properties.SecuritySeverity != "5.0") {
			t.Errorf("rls-not-forced: default %s, security-severity %s", ru.DefaultConfiguration.Level, ru.Properties.SecuritySeverity)
		}
	}
}

// Paths are made relative to the repository root, escaped as URI
// references; paths outside it become file: URIs.
func TestSARIFArtifactURIs(t *testing.T) {
	cases := []struct {
		prefix, file, uri, base string
	}{
		{"", "migrations/1.sql", "migrations/1.sql", srcRoot},
		{"services/api", "migrations/1.sql", "services/api/migrations/1.sql", srcRoot},
		{"services/api", "../shared/x.sql", "services/shared/x.sql", srcRoot},
		{"", "dir with space/50%.sql", "dir%20with%20space/50%25.sql", srcRoot},
		{"", "/abs/x.sql", "file:///abs/x.sql", ""},
		{"", "../outside/x.sql", "", ""},
	}
	for _, c := range cases {
		got := artifact(c.prefix, c.file)
		if c.uri == "" {
			if !strings.HasPrefix(got.URI, "file:///") || got.URIBaseID != "" {
				t.Errorf("artifact(%q, %q) = %+v, want an absolute file URI", c.prefix, c.file, got)
			}
			continue
		}
		if got.URI != c.uri || got.URIBaseID != c.base {
			t.Errorf("artifact(%q, %q) = %+v, want %s base %q", c.prefix, c.file, got, c.uri, c.base)
		}
	}
}

func TestSARIFHelpersEdgeCases(t *testing.T) {
	if got := semanticVersion("v1.2.3"); got != "1.2.3" {
		t.Errorf("semanticVersion(v1.2.3) = %q", got)
	}
	if got := semanticVersion("dev"); got != "" {
		t.Errorf("semanticVersion(dev) = %q, want none", got)
	}
	if got := RuleDocURL("rls-disabled", "0.1.0-dev"); !strings.Contains(got, "/blob/main/") {
		t.Errorf("a development build links main: %s", got)
	}
	if got := pascalCase("rls-not-forced"); got != "RlsNotForced" {
		t.Errorf("pascalCase = %q", got)
	}
	if got := shortName("public.f(uuid, text)", "function"); got != "f(uuid, text)" {
		t.Errorf("shortName(function) = %q", got)
	}
	if got := shortName("public.t.p", "policy"); got != "p" {
		t.Errorf("shortName(policy) = %q", got)
	}
	// An empty span still marks a character.
	reg := regionOf(&lint.Finding{Line: 3, Column: 8, EndLine: 3, EndColumn: 8})
	if reg.EndColumn != 9 {
		t.Errorf("empty span region %+v", reg)
	}
	// A finding whose rule did not run still gets a descriptor.
	r := &Report{Tool: Tool{Name: "tenantguard", Version: "dev"}, Findings: []lint.Finding{{Rule: "made-up", Code: "X1", Severity: lint.Warning, Message: "m", File: "a.sql", Line: 1, Column: 1}}}
	run := decodeSARIF(t, r).Runs[0]
	if len(run.Tool.Driver.Rules) != 1 || run.Tool.Driver.Rules[0].ID != "made-up" || run.Results[0].RuleIndex != 0 {
		t.Errorf("rules %+v", run.Tool.Driver.Rules)
	}
}
