package server

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// maxEscaped bounds the escaped part of a user folder's name.
const maxEscaped = 64

// userID maps an SSH user name (client-chosen, any bytes) to the name of
// its folder under DataDir, injectively, so no two users share a folder:
//
//   - bytes a-z, 0-9 and '-' stay; every other byte becomes _XX (its
//     lower-case hex), '_' included: "a/b" → "a_2fb", "a_b" → "a_5fb",
//     "." → "_2e", "é" → "_c3_a9", "Al" → "_41l" (so a case-insensitive
//     file system cannot merge "Al" and "al");
//   - a name whose escape is longer than maxEscaped keeps the escape's
//     first half and adds "." and a 128-bit SHA-256 prefix of the whole
//     name ('.' never appears in an escape, so these cannot equal a short
//     name's folder).
func userID(user string) string {
	var b strings.Builder
	for i := 0; i < len(user); i++ {
		c := user[i]
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('_')
		b.WriteString(hex.EncodeToString([]byte{c}))
	}
	esc := b.String()
	if len(esc) <= maxEscaped {
		return "user-" + esc
	}
	cut := maxEscaped / 2
	for cut > 0 && strings.LastIndexByte(esc[:cut], '_') > cut-3 {
		cut-- // do not split an _XX
	}
	sum := sha256.Sum256([]byte(user))
	return "user-" + esc[:cut] + "." + hex.EncodeToString(sum[:16])
}
