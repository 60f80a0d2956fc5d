package lint

import (
	"fmt"
	"strings"
)

// Severity orders findings. The zero value is not a severity.
type Severity int

// Severities, weakest first.
const (
	Info Severity = iota + 1
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "none"
}

// MarshalText writes the lower-case name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a lower-case name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSeverity reads "error", "warning" or "info".
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error":
		return Error, nil
	case "warning", "warn":
		return Warning, nil
	case "info", "note":
		return Info, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning or info)", s)
}

// Threshold is the --fail-on level: findings at or above it fail the run.
// The zero Threshold ("none") never fails.
type Threshold Severity

// ParseThreshold reads "error", "warning", "info" or "none".
func ParseThreshold(s string) (Threshold, error) {
	if strings.EqualFold(strings.TrimSpace(s), "none") {
		return 0, nil
	}
	v, err := ParseSeverity(s)
	if err != nil {
		return 0, fmt.Errorf("unknown --fail-on level %q (want error, warning, info or none)", s)
	}
	return Threshold(v), nil
}

// Fails reports whether a finding of severity s fails the run.
func (t Threshold) Fails(s Severity) bool { return t != 0 && s >= Severity(t) }

func (t Threshold) String() string {
	if t == 0 {
		return "none"
	}
	return Severity(t).String()
}
