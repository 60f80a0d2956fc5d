package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/tenantguard/tenantguard/lint"
)

// A baseline records the findings a team has accepted for now, by
// fingerprint, so that adopting tenantguard on an old schema fails only on
// new problems. The file is JSON, one entry per finding in a stable order,
// so that it diffs well under review.

// BaselineVersion is the version of the baseline file format.
const BaselineVersion = 1

// Baseline is the content of a baseline file.
type Baseline struct {
	Version  int             `json:"version"`
	Tool     Tool            `json:"tool"`
	Findings []BaselineEntry `json:"findings"`
}

// BaselineEntry is one accepted finding. Only the fingerprint matches;
// rule, object and file are there for the reader.
type BaselineEntry struct {
	Rule        string `json:"rule"`
	Object      string `json:"object,omitempty"`
	File        string `json:"file,omitempty"`
	Fingerprint string `json:"fingerprint"`
}

// NewBaseline records the findings that are not suppressed (those
// already in a baseline included, so rewriting a baseline keeps them).
func NewBaseline(tool Tool, findings []lint.Finding) *Baseline {
	b := &Baseline{Version: BaselineVersion, Tool: tool, Findings: []BaselineEntry{}}
	for i := range findings {
		f := &findings[i]
		if f.Suppressed {
			continue
		}
		b.Findings = append(b.Findings, BaselineEntry{Rule: f.Rule, Object: f.Object, File: f.File, Fingerprint: fingerprintOf(f)})
	}
	sort.SliceStable(b.Findings, func(i, j int) bool {
		x, y := b.Findings[i], b.Findings[j]
		if x.File != y.File {
			return x.File < y.File
		}
		if x.Rule != y.Rule {
			return x.Rule < y.Rule
		}
		if x.Object != y.Object {
			return x.Object < y.Object
		}
		return x.Fingerprint < y.Fingerprint
	})
	return b
}

// Write writes the baseline as indented JSON.
func (b *Baseline) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(b)
}

// ReadBaseline reads a baseline file; errors name the file (and the line
// of a syntax error).
func ReadBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	b, err := ParseBaseline(data)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	return b, nil
}

// ParseBaseline reads the content of a baseline file.
func ParseBaseline(data []byte) (*Baseline, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var b Baseline
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("not a tenantguard baseline: %s", jsonError(data, err))
	}
	if dec.More() {
		return nil, errors.New("not a tenantguard baseline: data after the JSON object")
	}
	if b.Version != BaselineVersion {
		return nil, fmt.Errorf("unsupported baseline version %d (this tenantguard reads version %d; rewrite it with --write-baseline)", b.Version, BaselineVersion)
	}
	for i, e := range b.Findings {
		if e.Fingerprint == "" {
			return nil, fmt.Errorf("finding %d (%s %s) has no fingerprint", i+1, e.Rule, e.Object)
		}
	}
	return &b, nil
}

// jsonError describes a decoding error with its line.
func jsonError(data []byte, err error) string {
	var offset int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		offset = se.Offset
	case errors.As(err, &te):
		offset = te.Offset
	}
	if errors.Is(err, io.EOF) {
		return "empty file"
	}
	if offset < 0 {
		return err.Error()
	}
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	line := 1 + bytes.Count(data[:offset], []byte("\n"))
	return fmt.Sprintf("line %d: %v", line, err)
}

// Apply marks the findings the baseline records as Baseline and returns
// how many it marked. Each entry matches one finding: two identical
// findings need two entries. Suppressed findings are left alone.
func (b *Baseline) Apply(findings []lint.Finding) int {
	left := map[string]int{}
	for _, e := range b.Findings {
		left[e.Fingerprint]++
	}
	marked := 0
	for i := range findings {
		f := &findings[i]
		if f.Suppressed {
			continue
		}
		fp := fingerprintOf(f)
		if left[fp] > 0 {
			left[fp]--
			f.Baseline = true
			marked++
		}
	}
	return marked
}
