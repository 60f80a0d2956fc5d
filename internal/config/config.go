// Package config reads tenantguard.yaml into a lint.Config. Every error
// names the file and line, and unknown keys are errors.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/tenantguard/tenantguard/internal/textdist"
	"github.com/tenantguard/tenantguard/lint"
)

// FileNames are the names looked for, in order, in each directory.
var FileNames = []string{"tenantguard.yaml", "tenantguard.yml", ".tenantguard.yaml", ".tenantguard.yml"}

// Find looks for a config file in dir and its parents. It returns "" when
// there is none.
func Find(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		for _, n := range FileNames {
			p := filepath.Join(dir, n)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Error is a problem in a config file, at a line.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Load reads a config file on top of lint.DefaultConfig. knownRule
// validates names under `rules:`.
func Load(path string, knownRule func(string) bool) (lint.Config, error) {
	cfg := lint.DefaultConfig()
	b, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("config: %w", err)
	}
	return Parse(path, b, knownRule)
}

// Parse reads config text; path is used in error messages.
func Parse(path string, b []byte, knownRule func(string) bool) (lint.Config, error) {
	cfg := lint.DefaultConfig()
	p := &parser{file: path, knownRule: knownRule}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return cfg, p.yamlError(err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); err == nil {
		return cfg, p.errorf(&more, "a second YAML document starts here: tenantguard.yaml holds one")
	} else if !errors.Is(err, io.EOF) {
		return cfg, p.yamlError(err)
	}
	if len(doc.Content) == 0 {
		return cfg, nil // empty file: defaults
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return cfg, nil // "---" alone, or only comments after it: defaults
	}
	if root.Kind != yaml.MappingNode {
		return cfg, p.errorf(root, "the file must be a mapping of keys (tenant_columns:, rules: ...)")
	}
	err := p.mapping(root, map[string]func(*yaml.Node) error{
		"tenant_columns":   p.nonEmpty(p.list(&cfg.TenantColumns), "name at least one column (the column that marks a tenant's rows)"),
		"team_columns":     p.list(&cfg.TeamColumns),
		"schemas":          p.list(&cfg.Schemas),
		"global_tables":    p.list(&cfg.GlobalTables),
		"admin_roles":      p.list(&cfg.AdminRoles),
		"tenant_functions": p.list(&cfg.TenantFunctions),
		"rules":            func(n *yaml.Node) error { return p.rules(n, cfg.Rules) },
		"probe":            func(n *yaml.Node) error { return p.probe(n, &cfg.Probe) },
	})
	return cfg, err
}

type parser struct {
	file      string
	knownRule func(string) bool
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) error {
	return &Error{File: p.file, Line: n.Line, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) yamlError(err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	if _, e := fmt.Sscanf(msg, "line %d:", &line); e == nil {
		msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
	}
	return &Error{File: p.file, Line: line, Msg: "not valid YAML: " + msg}
}

// mapping walks a mapping node, calling the handler of each key; unknown
// and repeated keys are errors.
func (p *parser) mapping(n *yaml.Node, handlers map[string]func(*yaml.Node) error) error {
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		h, ok := handlers[k.Value]
		if !ok {
			return p.errorf(k, "unknown key %q%s", k.Value, suggest(k.Value, keys(handlers)))
		}
		if seen[k.Value] {
			return p.errorf(k, "key %q appears twice", k.Value)
		}
		seen[k.Value] = true
		if err := h(v); err != nil {
			return err
		}
	}
	return nil
}

func keys(m map[string]func(*yaml.Node) error) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// list reads a list of names (a single name is a list of one).
func (p *parser) list(dst *[]string) func(*yaml.Node) error { return p.listOf(dst, false) }

// listOf reads a list of names, or with numbers also of integers (tenant
// ids may be numbers).
func (p *parser) listOf(dst *[]string, numbers bool) func(*yaml.Node) error {
	ok := func(n *yaml.Node) bool {
		return n.Kind == yaml.ScalarNode && n.Value != "" && (n.Tag == "!!str" || numbers && n.Tag == "!!int")
	}
	return func(n *yaml.Node) error {
		switch n.Kind {
		case yaml.ScalarNode:
			if n.Tag == "!!null" {
				*dst = nil
				return nil
			}
			if !ok(n) {
				return p.errorf(n, "expected a name, got %s", describe(n))
			}
			*dst = []string{n.Value}
			return nil
		case yaml.SequenceNode:
			out := []string{}
			for _, item := range n.Content {
				if !ok(item) {
					return p.errorf(item, "expected a name, got %s", describe(item))
				}
				out = append(out, item.Value)
			}
			*dst = out
			return nil
		}
		return p.errorf(n, "expected a list of names, got %s", describe(n))
	}
}

// nonEmpty wraps a list handler: the list it reads must not be empty.
func (p *parser) nonEmpty(h func(*yaml.Node) error, what string) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		if err := h(n); err != nil {
			return err
		}
		if (n.Kind == yaml.SequenceNode && len(n.Content) == 0) || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
			return p.errorf(n, "must %s; leave the key out for the defaults", what)
		}
		return nil
	}
}

func (p *parser) rules(n *yaml.Node, dst map[string]lint.RuleConfig) error {
	if n.Kind != yaml.MappingNode {
		return p.errorf(n, "rules: expected a mapping of rule name to off|error|warning|info, got %s", describe(n))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if p.knownRule != nil && !p.knownRule(k.Value) {
			return p.errorf(k, "rules: unknown rule %q (see `tenantguard rules`)", k.Value)
		}
		if v.Kind != yaml.ScalarNode {
			return p.errorf(v, "rules: %s: expected off, error, warning or info, got %s", k.Value, describe(v))
		}
		switch strings.ToLower(v.Value) {
		case "off", "false", "no", "disabled":
			dst[k.Value] = lint.RuleConfig{Off: true}
			continue
		}
		sev, err := lint.ParseSeverity(v.Value)
		if err != nil {
			return p.errorf(v, "rules: %s: %q is not off, error, warning or info", k.Value, v.Value)
		}
		dst[k.Value] = lint.RuleConfig{Severity: sev}
	}
	return nil
}

func (p *parser) probe(n *yaml.Node, dst *lint.ProbeConfig) error {
	if n.Kind != yaml.MappingNode {
		return p.errorf(n, "probe: expected a mapping (role:, tenant_setting:, preset:, tenants:), got %s", describe(n))
	}
	scalar := func(dst *string) func(*yaml.Node) error {
		return func(v *yaml.Node) error {
			if v.Kind != yaml.ScalarNode {
				return p.errorf(v, "expected a single value, got %s", describe(v))
			}
			*dst = v.Value
			return nil
		}
	}
	return p.mapping(n, map[string]func(*yaml.Node) error{
		"role":           scalar(&dst.Role),
		"tenant_setting": scalar(&dst.TenantSetting),
		"preset": func(v *yaml.Node) error {
			if err := scalar(&dst.Preset)(v); err != nil {
				return err
			}
			if dst.Preset != "supabase" && dst.Preset != "" {
				return p.errorf(v, "probe.preset: unknown preset %q (the only preset is supabase)", dst.Preset)
			}
			return nil
		},
		"tenants": func(v *yaml.Node) error {
			if v.Kind == yaml.ScalarNode && v.Value == "auto" {
				dst.Tenants = nil
				return nil
			}
			if err := p.listOf(&dst.Tenants, true)(v); err != nil {
				return err
			}
			if len(dst.Tenants) != 2 {
				return p.errorf(v, "probe.tenants: give auto or exactly two tenant ids, got %d", len(dst.Tenants))
			}
			return nil
		},
	})
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!int", "!!float":
			return "the number " + n.Value + " (quote it if it is a name)"
		case "!!bool":
			return "the boolean " + n.Value + " (quote it if it is a name)"
		case "!!null":
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

// suggest proposes the closest known key for a typo.
func suggest(key string, known []string) string {
	best, bestD := "", 4
	for _, k := range known {
		if d := textdist.Levenshtein(key, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return " (known keys: " + strings.Join(known, ", ") + ")"
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// ErrNotFound is returned by callers when an explicit --config is missing.
var ErrNotFound = errors.New("config file not found")
