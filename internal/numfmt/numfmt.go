// Package numfmt formats the numbers the app shows on screen, so that every
// one of them is written the same way: negative numbers with the true minus
// sign U+2212 (−1.5, 2e−05), never the ASCII hyphen-minus. Equations in
// the panes use − as an operator (a − y); a number beside them reads the
// same.
//
// # Invariants
//
//   - No string returned by Sign, G, F or E holds an ASCII '-'.
//   - Parse(G(v, -1)) == v for every finite v: what the app shows, a prompt
//     reads back (typed ASCII '-' is accepted too).
//
// Machine-readable output (CSV, JSON, model files, CLI reports meant for
// scripts) is not shown through this package: it keeps Go's own notation.
package numfmt

import (
	"math"
	"strconv"
	"strings"
)

// Minus is the minus sign of every number shown.
const Minus = "−"

// Sign rewrites a formatted number's ASCII hyphen-minus signs (leading, and
// an exponent's) as Minus. Only give it number text.
func Sign(s string) string {
	if !strings.Contains(s, "-") {
		return s
	}
	return strings.ReplaceAll(s, "-", Minus)
}

// G formats v like strconv's 'g' with prec significant digits (−1: the
// fewest that read back exactly).
func G(v float64, prec int) string { return Sign(strconv.FormatFloat(v, 'g', prec, 64)) }

// F formats v with dec decimals ('f'; −1: the fewest that read back).
// A value that rounds to zero is "0.00", never "−0.00".
func F(v float64, dec int) string {
	if dec >= 0 && v < 0 && math.Abs(v) < 0.5*math.Pow(10, -float64(dec)) {
		v = 0
	}
	if v == 0 {
		v = 0 // no −0
	}
	return Sign(strconv.FormatFloat(v, 'f', dec, 64))
}

// E formats v in scientific notation with dec decimals ('e').
func E(v float64, dec int) string { return Sign(strconv.FormatFloat(v, 'e', dec, 64)) }

// Int formats n in decimal.
func Int(n int) string { return Sign(strconv.Itoa(n)) }

// Parse reads a number as typed or as shown: surrounding space is ignored
// and the minus sign may be U+2212 or ASCII (also in the exponent).
func Parse(s string) (float64, error) {
	return strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), Minus, "-"), 64)
}

// Count is n and a noun in the number that agrees with it: "1 sample",
// "2 samples", "0 batches".
func Count(n int, noun string) string {
	s := Int(n) + " " + noun
	if n == 1 || n == -1 {
		return s
	}
	for _, end := range []string{"s", "x", "sh", "tch"} { // epochs, but batches
		if strings.HasSuffix(noun, end) {
			return s + "es"
		}
	}
	return s + "s"
}
