package server

import (
	"sort"
	"strings"
	"unicode"

	"backprop/internal/safetext"
)

// allowedEnv are the client variables a session may see; all concern
// colour or text encoding. Everything else a client sends is dropped.
var allowedEnv = map[string]bool{
	"TERM": true, "COLORTERM": true, "NO_COLOR": true,
	"CLICOLOR": true, "CLICOLOR_FORCE": true,
	"LANG": true, "LC_ALL": true, "LC_CTYPE": true,
}

const maxEnvValue = 64

// sanitizeEnv keeps allowed variables whose values are short printable
// ASCII; term (from the pty request) overrides any TERM the client sent.
// The result is sorted, one entry per key.
func sanitizeEnv(env []string, term string) []string {
	m := map[string]string{}
	for _, kv := range env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || !allowedEnv[k] || !cleanValue(v) {
			continue
		}
		m[k] = v
	}
	if cleanValue(term) && term != "" {
		m["TERM"] = term
	}
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

func cleanValue(v string) bool {
	if len(v) > maxEnvValue {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return false
		}
	}
	return true
}

// displayName is how a person appears on the roster: their key's comment
// in the server's key file, else their SSH user name (client-chosen). Any
// character a terminal would act on is escaped (safetext), invisible ones
// (zero-width, other formatting characters) become '_', spaces at the ends
// go, and it keeps at most maxName bytes; "" becomes "anonymous".
func displayName(s string) string {
	s = safetext.Line(s)
	var b strings.Builder
	for _, r := range s {
		if unicode.Is(unicode.Cf, r) || !unicode.IsPrint(r) && r != ' ' {
			b.WriteByte('_')
			continue
		}
		b.WriteRune(r)
	}
	s = strings.TrimSpace(clip(b.String(), maxName))
	if s == "" {
		return "anonymous"
	}
	return s
}

// envValue returns key's value in env ("" if absent).
func envValue(env []string, key string) string {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}
