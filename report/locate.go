package report

import (
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/rules"
)

// RepoURL is tenantguard's home: SARIF informationUri and rule help links.
const RepoURL = "https://github.com/tenantguard/tenantguard"

// DefaultAnchor is the file live findings are attached to in SARIF when
// the run used no config file.
const DefaultAnchor = "tenantguard.yaml"

var (
	semverRE  = regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
	releaseRE = regexp.MustCompile(`^v?\d+\.\d+\.\d+$`)
)

// RuleDocURL links a rule's documentation in the repository, at the
// release tag for a release build, else on main.
func RuleDocURL(rule, version string) string {
	ref := "main"
	if releaseRE.MatchString(version) {
		ref = "v" + strings.TrimPrefix(version, "v")
	}
	return RepoURL + "/blob/" + ref + "/docs/rules/" + rule + ".md"
}

// RepoPath turns a path relative to the working directory into one
// relative to the repository root (prefix is the working directory
// relative to the root), slash-separated.
func RepoPath(prefix, file string) string {
	file = filepath.ToSlash(file)
	if path.IsAbs(file) || filepath.IsAbs(file) {
		return file
	}
	return path.Clean(path.Join(filepath.ToSlash(prefix), file))
}

// artifact is the SARIF artifactLocation of a file: a URI reference
// relative to %SRCROOT% (the repository root), or a file: URI for a path
// outside it.
func artifact(prefix, file string) sarifArtifactLocation {
	p := RepoPath(prefix, file)
	if path.IsAbs(p) || filepath.IsAbs(p) || strings.HasPrefix(p, "../") || p == ".." {
		abs, err := filepath.Abs(filepath.FromSlash(p))
		if err != nil {
			abs = p
		}
		u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
		if !strings.HasPrefix(u.Path, "/") {
			u.Path = "/" + u.Path // Windows drive letters
		}
		return sarifArtifactLocation{URI: u.String()}
	}
	u := url.URL{Path: p}
	return sarifArtifactLocation{URI: u.EscapedPath(), URIBaseID: srcRoot}
}

// fingerprintOf is the finding's fingerprint, computed when the producer
// left it empty.
func fingerprintOf(f *lint.Finding) string {
	if f.Fingerprint != "" {
		return f.Fingerprint
	}
	return lint.Fingerprint(f)
}

// reportRules are the rules that ran, plus any rule a finding names that
// is not among them (a probe rule, or an engine rule), so every result
// has a rule to point at.
func reportRules(r *Report) []*lint.Rule {
	out := append([]*lint.Rule(nil), r.Rules...)
	seen := map[string]bool{}
	for _, ru := range out {
		seen[ru.Name] = true
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		if seen[f.Rule] {
			continue
		}
		seen[f.Rule] = true
		ru := rules.Lookup(f.Rule)
		if ru == nil {
			ru = &lint.Rule{Name: f.Rule, Code: f.Code, Severity: f.Severity, Summary: f.Rule, Tags: []string{"security"}}
		}
		out = append(out, ru)
	}
	return out
}
