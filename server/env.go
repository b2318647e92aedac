package server

import (
	"sort"
	"strings"
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

// safeName maps an untrusted user name to [A-Za-z0-9_-]{1,32}.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= 32 {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "anonymous"
	}
	return b.String()
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
