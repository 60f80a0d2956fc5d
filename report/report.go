// Package report writes findings in the formats users consume: text for
// terminals, JSON for machines, SARIF for code scanning, JUnit for CI test
// reports and GitHub workflow commands. One Writer interface, one switch
// on the format.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/tenantguard/tenantguard/lint"
)

// Tool identifies tenantguard in reports.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Problem is something that could not be read or checked (a file, a
// catalog query); the run went on without it.
type Problem struct {
	Path    string
	Message string
}

// Report is everything a run produced.
type Report struct {
	Tool     Tool
	Findings []lint.Finding
	// Checks are the rule × object checks made, passed or failed.
	Checks []lint.Check
	// Rules are the rules that ran.
	Rules []*lint.Rule
	// Problems are files or objects that could not be read.
	Problems []Problem
	// Notes are remarks shown with --verbose.
	Notes []string
	// Files is the number of files read.
	Files int
	// FailOn is the --fail-on threshold.
	FailOn lint.Threshold
	// Kind names the run (lint, inspect, probe, check) for reports that
	// keep runs apart (SARIF automationDetails).
	Kind string

	// Start is when the run began and Duration how long it took (JUnit
	// and SARIF invocation times); zero when unknown.
	Start    time.Time
	Duration time.Duration
	// RuleTime is the time each rule took, by rule name (JUnit suites).
	RuleTime map[string]time.Duration
	// RepoPrefix is the working directory relative to the repository
	// root, slash-separated ("" when they are the same). File paths are
	// relative to the working directory; SARIF and GitHub annotations
	// need them relative to the repository.
	RepoPrefix string
	// Anchor is the file (relative to the working directory) that SARIF
	// attaches live findings to: GitHub code scanning rejects a result
	// without a file. The config file; DefaultAnchor when empty.
	Anchor string
	// BaselineUsed reports that a --baseline file was applied (SARIF
	// baselineState).
	BaselineUsed bool
}

// Failed reports whether any active finding is at or above FailOn.
func (r *Report) Failed() bool {
	for i := range r.Findings {
		if r.Findings[i].Active() && r.FailOn.Fails(r.Findings[i].Severity) {
			return true
		}
	}
	return false
}

// Counts returns the number of active findings per severity.
func (r *Report) Counts() (errors, warnings, infos int) {
	for i := range r.Findings {
		f := &r.Findings[i]
		if !f.Active() {
			continue
		}
		switch f.Severity {
		case lint.Error:
			errors++
		case lint.Warning:
			warnings++
		case lint.Info:
			infos++
		}
	}
	return
}

// Options tune writers.
type Options struct {
	// Color enables ANSI colour (text only).
	Color bool
	// Verbose adds details, suppressed and baselined findings and notes
	// (text only: the machine formats always carry them).
	Verbose bool
}

// Writer writes a report in one format.
type Writer interface {
	Write(w io.Writer, r *Report) error
}

// Formats lists the supported format names.
var Formats = []string{"text", "json", "sarif", "junit", "github"}

// NewWriter returns the writer for a format name.
func NewWriter(format string, opts Options) (Writer, error) {
	switch strings.ToLower(format) {
	case "text", "":
		return &textWriter{opts: opts}, nil
	case "json":
		return jsonWriter{}, nil
	case "sarif":
		return sarifWriter{}, nil
	case "junit":
		return junitWriter{}, nil
	case "github":
		return githubWriter{}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// byFile groups findings by file, in order; findings without a file come
// last under "".
func byFile(fs []lint.Finding) (files []string, groups map[string][]lint.Finding) {
	groups = map[string][]lint.Finding{}
	for _, f := range fs {
		if _, ok := groups[f.File]; !ok {
			files = append(files, f.File)
		}
		groups[f.File] = append(groups[f.File], f)
	}
	sort.SliceStable(files, func(i, j int) bool {
		if (files[i] == "") != (files[j] == "") {
			return files[j] == ""
		}
		return files[i] < files[j]
	})
	return files, groups
}
