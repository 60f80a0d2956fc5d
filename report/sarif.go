package report

import (
	"encoding/json"
	"io"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tenantguard/tenantguard/lint"
)

// SARIF 2.1.0 for GitHub code scanning and other SARIF consumers
// (https://docs.oasis-open.org/sarif/sarif/v2.1.0/). Only the parts
// tenantguard fills are modelled; field order is the output order.

const (
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	sarifVersion = "2.1.0"
	// srcRoot is the uriBaseId of repository-relative paths; GitHub's
	// upload action resolves it to the checkout.
	srcRoot = "%SRCROOT%"
	// fingerprintKey names tenantguard's fingerprint in partialFingerprints;
	// the version lets the algorithm change without matching old alerts.
	fingerprintKey = "tenantguard/v1"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool              sarifTool              `json:"tool"`
	Invocations       []sarifInvocation      `json:"invocations"`
	AutomationDetails sarifAutomationDetails `json:"automationDetails"`
	ColumnKind        string                 `json:"columnKind"`
	Results           []sarifResult          `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	Version         string      `json:"version"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	InformationURI  string      `json:"informationUri"`
	Rules           []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifText          `json:"shortDescription"`
	FullDescription      sarifText          `json:"fullDescription"`
	Help                 sarifMultiformat   `json:"help"`
	HelpURI              string             `json:"helpUri"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifRuleProps     `json:"properties"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifMultiformat struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags             []string `json:"tags"`
	Precision        string   `json:"precision"`
	SecuritySeverity string   `json:"security-severity"`
	Code             string   `json:"code"`
	Scope            string   `json:"scope,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                     `json:"executionSuccessful"`
	StartTimeUTC               string                   `json:"startTimeUtc,omitempty"`
	EndTimeUTC                 string                   `json:"endTimeUtc,omitempty"`
	RuleConfigurationOverrides []sarifOverride          `json:"ruleConfigurationOverrides,omitempty"`
	ToolExecutionNotifications []sarifNotification      `json:"toolExecutionNotifications,omitempty"`
	Properties                 *sarifInvocationProperty `json:"properties,omitempty"`
}

type sarifInvocationProperty struct {
	FailOn string `json:"failOn"`
}

type sarifOverride struct {
	Descriptor    sarifDescriptorRef `json:"descriptor"`
	Configuration sarifConfiguration `json:"configuration"`
}

type sarifDescriptorRef struct {
	ID    string `json:"id"`
	Index int    `json:"index"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifAutomationDetails struct {
	ID string `json:"id"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Suppressions        []sarifSuppress   `json:"suppressions,omitempty"`
	BaselineState       string            `json:"baselineState,omitempty"`
	Properties          *sarifResultProps `json:"properties,omitempty"`
}

type sarifResultProps struct {
	// Source is what produced the finding: lint, inspect or probe.
	Source string `json:"source,omitempty"`
}

type sarifSuppress struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
	Message          *sarifText             `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type sarifLogicalLocation struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifWriter struct{}

func (sarifWriter) Write(w io.Writer, r *Report) error {
	rules := reportRules(r)
	index := map[string]int{}
	for i, ru := range rules {
		index[ru.Name] = i
	}
	effective := effectiveSeverities(r)
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:            r.Tool.Name,
			Version:         r.Tool.Version,
			SemanticVersion: semanticVersion(r.Tool.Version),
			InformationURI:  RepoURL,
			Rules:           make([]sarifRule, len(rules)),
		}},
		Invocations:       []sarifInvocation{sarifInvoke(r, rules, effective)},
		AutomationDetails: sarifAutomationDetails{ID: "tenantguard/" + kindOf(r) + "/"},
		ColumnKind:        "unicodeCodePoints",
		Results:           make([]sarifResult, 0, len(r.Findings)),
	}
	for i, ru := range rules {
		run.Tool.Driver.Rules[i] = sarifRuleOf(ru, r.Tool.Version, effective[ru.Name])
	}
	for i := range r.Findings {
		run.Results = append(run.Results, sarifResultOf(r, &r.Findings[i], index))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

func kindOf(r *Report) string {
	if r.Kind == "" {
		return "lint"
	}
	return r.Kind
}

func sarifRuleOf(ru *lint.Rule, version string, sev lint.Severity) sarifRule {
	doc := ru.Doc
	if doc == "" {
		doc = ru.Summary + "\n"
	}
	tags := append([]string(nil), ru.Tags...)
	if !contains(tags, "security") {
		tags = append(tags, "security")
	}
	sort.Strings(tags)
	return sarifRule{
		ID:                   ru.Name,
		Name:                 pascalCase(ru.Name),
		ShortDescription:     sarifText{Text: sentence(capitalize(ru.Summary))},
		FullDescription:      sarifText{Text: sentence(fullDescription(ru))},
		Help:                 sarifMultiformat{Text: doc, Markdown: doc},
		HelpURI:              RuleDocURL(ru.Name, version),
		DefaultConfiguration: sarifConfiguration{Level: sarifLevel(ru.Severity)},
		Properties: sarifRuleProps{
			Tags:             tags,
			Precision:        "high",
			SecuritySeverity: securitySeverity(ru, sev),
			Code:             ru.Code,
			Scope:            string(ru.Scope),
		},
	}
}

func sarifInvoke(r *Report, rules []*lint.Rule, effective map[string]lint.Severity) sarifInvocation {
	inv := sarifInvocation{
		ExecutionSuccessful: len(r.Problems) == 0,
		Properties:          &sarifInvocationProperty{FailOn: r.FailOn.String()},
	}
	if !r.Start.IsZero() {
		inv.StartTimeUTC = r.Start.UTC().Format(time.RFC3339Nano)
		inv.EndTimeUTC = r.Start.Add(r.Duration).UTC().Format(time.RFC3339Nano)
	}
	for i, ru := range rules {
		if sev := effective[ru.Name]; sev != 0 && sev != ru.Severity {
			inv.RuleConfigurationOverrides = append(inv.RuleConfigurationOverrides, sarifOverride{
				Descriptor:    sarifDescriptorRef{ID: ru.Name, Index: i},
				Configuration: sarifConfiguration{Level: sarifLevel(sev)},
			})
		}
	}
	for _, p := range r.Problems {
		n := sarifNotification{Level: "error", Message: sarifText{Text: sentence("could not read " + p.Path + ": " + p.Message)}}
		if p.Path != "" {
			n.Locations = []sarifLocation{{PhysicalLocation: &sarifPhysicalLocation{
				ArtifactLocation: artifact(r.RepoPrefix, p.Path),
			}}}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	return inv
}

func sarifResultOf(r *Report, f *lint.Finding, index map[string]int) sarifResult {
	res := sarifResult{
		RuleID:              f.Rule,
		RuleIndex:           index[f.Rule],
		Level:               sarifLevel(f.Severity),
		Message:             sarifText{Text: resultMessage(f)},
		PartialFingerprints: map[string]string{fingerprintKey: fingerprintOf(f)},
	}
	loc := sarifLocation{}
	if f.File != "" {
		loc.PhysicalLocation = &sarifPhysicalLocation{
			ArtifactLocation: artifact(r.RepoPrefix, f.File),
			Region:           regionOf(f),
		}
	} else {
		// GitHub code scanning rejects a whole upload when one result has
		// no physical location; a live object not defined in any scanned
		// file is attached to the config file, and named logically.
		anchor := r.Anchor
		if anchor == "" {
			anchor = DefaultAnchor
		}
		loc.PhysicalLocation = &sarifPhysicalLocation{
			ArtifactLocation: artifact(r.RepoPrefix, anchor),
			Region:           &sarifRegion{StartLine: 1},
		}
		what := "the database"
		if f.Object != "" {
			what = strings.TrimSpace(f.ObjectKind + " " + f.Object)
		}
		loc.Message = &sarifText{Text: "Found in " + what + " (" + sourceOf(f) + "), not in a scanned file; shown at the configuration file."}
	}
	if ll := logicalLocation(f); ll != nil {
		loc.LogicalLocations = []sarifLogicalLocation{*ll}
	}
	res.Locations = []sarifLocation{loc}
	if f.Suppressed {
		res.Suppressions = []sarifSuppress{{Kind: "inSource", Justification: f.Justification}}
	}
	if r.BaselineUsed {
		res.BaselineState = "new"
		if f.Baseline {
			res.BaselineState = "unchanged"
		}
	}
	if f.Source != "" {
		res.Properties = &sarifResultProps{Source: f.Source}
	}
	return res
}

// resultMessage is the finding's message, then its detail (a probe's
// reproduction SQL) on lines of their own: code scanning shows only the
// message.
func resultMessage(f *lint.Finding) string {
	msg := sentence(f.Message)
	if d := strings.TrimSpace(f.Detail); d != "" {
		msg += "\n\n" + d
	}
	return msg
}

func sourceOf(f *lint.Finding) string {
	if f.Source == "" {
		return "live"
	}
	return f.Source
}

// regionOf is the finding's span; columns count code points (columnKind).
func regionOf(f *lint.Finding) *sarifRegion {
	if f.Line <= 0 {
		return nil
	}
	reg := &sarifRegion{StartLine: f.Line, StartColumn: f.Column, EndLine: f.EndLine, EndColumn: f.EndColumn}
	if reg.StartColumn <= 0 {
		reg.StartColumn = 0
	}
	if reg.EndLine < reg.StartLine {
		reg.EndLine, reg.EndColumn = 0, 0
	}
	if reg.EndLine == reg.StartLine && reg.EndColumn <= reg.StartColumn {
		// An empty span: mark the one character at the start.
		reg.EndColumn = reg.StartColumn + 1
	}
	if reg.StartColumn == 0 {
		reg.EndColumn = 0
	}
	return reg
}

// logicalLocation names the database object of a finding (none for
// findings about a whole file).
func logicalLocation(f *lint.Finding) *sarifLogicalLocation {
	if f.Object == "" || f.ObjectKind == "file" || f.ObjectKind == "" {
		return nil
	}
	kind := f.ObjectKind
	if kind == "materialized view" {
		kind = "materializedView"
	}
	return &sarifLogicalLocation{Name: shortName(f.Object, f.ObjectKind), FullyQualifiedName: f.Object, Kind: kind}
}

// shortName is the last part of a qualified object name: the table of
// public.orders, the policy of public.orders.p, the function of
// public.f(uuid).
func shortName(object, kind string) string {
	name := object
	args := ""
	if i := strings.IndexByte(name, '('); i >= 0 && kind == "function" {
		name, args = name[:i], name[i:]
	}
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return name + args
}

func sarifLevel(s lint.Severity) string {
	switch s {
	case lint.Error:
		return "error"
	case lint.Warning:
		return "warning"
	}
	return "note"
}

// securitySeverity is the CVSS-like score GitHub uses to rank security
// alerts: critical (9.0+) for leaks a probe proved, high for errors,
// medium for warnings, low for info.
func securitySeverity(ru *lint.Rule, sev lint.Severity) string {
	if sev == 0 {
		sev = ru.Severity
	}
	switch {
	case sev == lint.Error && ru.Probe:
		return "9.5"
	case sev == lint.Error:
		return "8.0"
	case sev == lint.Warning:
		return "5.0"
	}
	return "2.0"
}

// effectiveSeverities is each rule's severity in this run (config may
// change the default), read off its findings.
func effectiveSeverities(r *Report) map[string]lint.Severity {
	out := map[string]lint.Severity{}
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Severity > out[f.Rule] {
			out[f.Rule] = f.Severity
		}
	}
	return out
}

// fullDescription is the first paragraph of the rule doc's "What goes
// wrong" section, on one line; the summary when there is none.
func fullDescription(ru *lint.Rule) string {
	const head = "\n## What goes wrong\n"
	i := strings.Index(ru.Doc, head)
	if i < 0 {
		return ru.Summary
	}
	rest := strings.TrimLeft(ru.Doc[i+len(head):], "\n")
	if j := strings.Index(rest, "\n\n"); j >= 0 {
		rest = rest[:j]
	}
	if p := strings.Join(strings.Fields(rest), " "); p != "" && !strings.HasPrefix(p, "#") {
		return p
	}
	return ru.Summary
}

// sentence makes text end with a period, as SARIF messages should.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}

// capitalize upper-cases the first letter (rule summaries start lower
// case; SARIF descriptions are sentences).
func capitalize(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// pascalCase turns rls-not-forced into RlsNotForced (SARIF's friendly
// rule name).
func pascalCase(name string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// semanticVersion is the version without a leading v, when it is one.
func semanticVersion(v string) string {
	v = strings.TrimPrefix(v, "v")
	if semverRE.MatchString(v) {
		return v
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
