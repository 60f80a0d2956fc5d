package report

import (
	"encoding/json"
	"io"

	"github.com/tenantguard/tenantguard/lint"
)

// jsonWriter writes the machine contract of DESIGN.md.
type jsonWriter struct{}

type jsonReport struct {
	Tool     Tool           `json:"tool"`
	Findings []lint.Finding `json:"findings"`
	Summary  jsonSummary    `json:"summary"`
}

type jsonSummary struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
	Info    int `json:"info"`
}

func (jsonWriter) Write(w io.Writer, r *Report) error {
	out := jsonReport{Tool: r.Tool, Findings: r.Findings}
	if out.Findings == nil {
		out.Findings = []lint.Finding{}
	}
	out.Summary.Error, out.Summary.Warning, out.Summary.Info = r.Counts()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // a CLI contract, not HTML: keep <, > and & readable
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
