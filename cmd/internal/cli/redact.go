package cli

import (
	"net/url"
	"regexp"
	"strings"
)

var (
	urlRE      = regexp.MustCompile(`(?i)\b(postgres(?:ql)?)://[^\s"']+`)
	passwordRE = regexp.MustCompile(`(?i)\b(pgpassword|password|passwd|pwd)\s*=\s*(\\"[^"]*\\"|'[^']*'|"[^"]*"|[^\s&]+)`)
	// userinfoRE finds the password of a URL before it is parsed: up to
	// the last @ of the run of non-blanks, so quotes or an @ inside the
	// password (or two URLs run together) cannot make part of it leak.
	// It may hide more than the password, never less.
	userinfoRE = regexp.MustCompile(`(?i)\b(postgres(?:ql)?://[^:/?#@\s"']*):\S*@`)
)

// Redact removes passwords from text: the password of connection URLs and
// password=... in keyword/value connection strings.
func Redact(s string) string {
	s = userinfoRE.ReplaceAllString(s, "$1:***@")
	s = urlRE.ReplaceAllStringFunc(s, func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil {
			// Unparseable: drop everything between :// and @.
			if at := strings.LastIndex(raw, "@"); at > 0 {
				i := strings.Index(raw, "://") + 3
				return raw[:i] + "***" + raw[at:]
			}
			return raw
		}
		if u.User != nil {
			if _, has := u.User.Password(); has {
				u.User = url.UserPassword(u.User.Username(), "REDACTED")
			}
		}
		q := u.Query()
		if q.Has("password") {
			q.Set("password", "REDACTED")
			u.RawQuery = q.Encode()
		}
		return strings.Replace(u.String(), "REDACTED", "***", -1)
	})
	return passwordRE.ReplaceAllString(s, "$1=***")
}
