package cli

import (
	"net/url"
	"regexp"
	"strings"
)

var (
	urlRE      = regexp.MustCompile(`(?i)\b(postgres(?:ql)?)://[^\s"']+`)
	passwordRE = regexp.MustCompile(`(?i)\b(password|passwd|pwd)\s*=\s*('[^']*'|"[^"]*"|[^\s&]+)`)
)

// Redact removes passwords from text: the password of connection URLs and
// password=... in keyword/value connection strings.
func Redact(s string) string {
	s = urlRE.ReplaceAllStringFunc(s, func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil {
			// Unparseable: drop everything between :// and @.
			if at := strings.LastIndex(raw, "@"); at > 0 {
				i := strings.Index(raw, "://") + 3
				return raw[:i] + "REDACTED" + raw[at:]
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
