package network

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"backprop/internal/readfile"
)

// TestModelValueBounds: a file that holds more than any model — a row
// longer than maxArrayLen, more values than maxModelValues in all, nesting
// deeper than maxDepth — is refused with the line and column where the
// bound was passed, before the decoder holds the rest; commas inside
// strings are not values, and a byte order mark keeps lines and columns.
func TestModelValueBounds(t *testing.T) {
	head := `{"format":"backprop/model","version":1,"inputs":2,"cost":"quadratic","layers":[{"activation":"sigmoid","weights":[[`
	long := head + strings.Repeat("0,", maxArrayLen+10) + `0]],"biases":[0]}]}`
	_, err := ParseModel([]byte(long))
	if err == nil || !strings.Contains(err.Error(), "line 1:") || !strings.Contains(err.Error(), "an array of more than 2097152 values") {
		t.Errorf("a long row: %v", err)
	}
	// Rows each under the bound, more values than the bound in all.
	var b strings.Builder
	b.WriteString(head + "0]]}],\"state\":{\"seen\":[")
	row := "[" + strings.Repeat("0,", maxArrayLen-2) + "0],"
	for range maxModelValues/maxArrayLen + 1 {
		b.WriteString(row)
	}
	b.WriteString("[]]}}")
	if _, err := ParseModel([]byte(b.String())); err == nil || !strings.Contains(err.Error(), "values and arrays in all") {
		t.Errorf("many values: %v", err)
	}
	deep := `{"format":"backprop/model","data":` + strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1) + "}"
	if _, err := ParseModel([]byte(deep)); err == nil || !strings.Contains(err.Error(), "line 1:") || !strings.Contains(err.Error(), "nested more than 64 deep") {
		t.Errorf("deep nesting: %v", err)
	}
	// A string of commas counts as one value.
	commas := `{"format":"backprop/model","version":1,"inputs":2,"cost":"quadratic","data":{"name":"` +
		strings.Repeat(`,\",`, maxArrayLen) + `"},"layers":[{"activation":"sigmoid","weights":[[1,2]],"biases":[0]}]}`
	if _, err := ParseModel([]byte(commas)); err != nil {
		t.Errorf("commas in a string: %v", err)
	}
	// Errors after a byte order mark still say where.
	bom := "\xef\xbb\xbf{\"format\":\"backprop/model\",\n\"version\":1,\n\"inputs\":NaN}"
	if _, err := ParseModel([]byte(bom)); err == nil || !strings.Contains(err.Error(), "line 3:10: invalid character 'N'") ||
		!strings.Contains(err.Error(), "bare NaN") {
		t.Errorf("after a BOM: %v", err)
	}
}

// TestLoadModelRefusesEarly: /dev/zero, a pipe (without waiting for a
// writer), a directory and a file over MaxModelBytes are refused before
// anything is read, with the file's name made safe for a terminal.
func TestLoadModelRefusesEarly(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "m\x1b[2J.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	f, _ := os.Create(big)
	f.Truncate(MaxModelBytes + 1)
	f.Close()
	for path, want := range map[string]string{
		"/dev/zero": "/dev/zero: not a regular file (a character device); a model file must be one",
		fifo:        `m\x1b[2J.json: not a regular file (a named pipe)`,
		dir:         "not a regular file (a directory)",
		big:         "big.json: the file is 256.0 MiB (268435457 bytes), over the limit of 256 MiB for a model file",
	} {
		_, err := LoadModel(path)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadModel(%q) = %v, want %q", path, err, want)
		}
		if strings.ContainsRune(err.Error(), 0x1b) {
			t.Errorf("LoadModel(%q): %q holds ESC", path, err)
		}
	}
	if _, err := LoadModel(big); !errors.Is(err, readfile.ErrTooLarge) {
		t.Errorf("over the limit: %v does not wrap readfile.ErrTooLarge", err)
	}
	// A syntax error in a file names the file (escaped), line and column.
	bad := filepath.Join(dir, "bad\u202e.json")
	os.WriteFile(bad, []byte("{\n  \"format\": x}"), 0o600)
	if _, err := LoadModel(bad); err == nil || !strings.Contains(err.Error(), `bad\u202e.json: line 2:13: invalid character 'x'`) {
		t.Errorf("syntax error: %v", err)
	}
}
