package network

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"
)

// Writing model files. The encoder streams: it writes a weight row, a
// state field at a time, so saving needs the Model (a copy of the state)
// and the largest single field's JSON, not the whole file in memory.

// Write writes m as indented JSON: one line per weight row, one line per
// state field.
func (m *Model) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if err := m.encodeTo(bw); err != nil {
		return err
	}
	return bw.Flush()
}

func (m *Model) encodeTo(b *bufio.Writer) error {
	f := &m.f
	if len(m.Data) > 0 && !json.Valid(m.Data) {
		return errors.New("network: model data is not valid JSON")
	}
	put := func(key string, v any, comma bool) {
		j, _ := json.Marshal(v) // strings and ints
		fmt.Fprintf(b, "  %q: %s", key, j)
		if comma {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("{\n")
	put("format", f.Format, true)
	put("version", f.Version, true)
	put("inputs", f.Inputs, true)
	if f.Features != nil {
		put("features", f.Features, true)
	}
	put("cost", f.Cost, true)
	if f.Init != "" {
		put("init", f.Init, true)
	}
	b.WriteString("  \"layers\": [\n")
	for i, l := range f.Layers {
		act, _ := json.Marshal(l.Activation)
		fmt.Fprintf(b, "    {\"activation\": %s,\n     \"weights\": [\n", act)
		for j, row := range l.Weights {
			b.WriteString("       ")
			writeJFloats(b, row)
			if j < len(l.Weights)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString("     ],\n     \"biases\": ")
		writeJFloats(b, l.Biases)
		if l.Recurrent != nil {
			b.WriteString(",\n     \"recurrent\": [\n")
			for j, row := range l.Recurrent {
				b.WriteString("       ")
				writeJFloats(b, row)
				if j < len(l.Recurrent)-1 {
					b.WriteString(",")
				}
				b.WriteString("\n")
			}
			b.WriteString("     ]")
		}
		b.WriteString("}")
		if i < len(f.Layers)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("  ]")
	if f.Training != nil {
		b.WriteString(",\n")
		j, _ := json.Marshal(f.Training)
		fmt.Fprintf(b, "  \"training\": %s", j)
	}
	if f.State != nil {
		b.WriteString(",\n  \"state\": {\n")
		if err := writeFields(b, f.State); err != nil {
			return err
		}
		b.WriteString("\n  }")
	}
	if len(m.Data) > 0 {
		b.WriteString(",\n")
		var d bytes.Buffer
		if err := json.Compact(&d, m.Data); err != nil {
			return fmt.Errorf("network: model data: %w", err)
		}
		fmt.Fprintf(b, "  \"data\": %s", d.Bytes())
	}
	b.WriteString("\n}\n")
	return nil
}

// writeFields writes the fields of the struct *v as encoding/json would
// (keys and omitempty from the tags), one per line, each value on one line
// (compactArrays), without marshalling the whole struct at once.
func writeFields(b *bufio.Writer, v any) error {
	rv := reflect.ValueOf(v).Elem()
	first := true
	for i := range rv.NumField() {
		key, opts, _ := strings.Cut(rv.Type().Field(i).Tag.Get("json"), ",")
		fv := rv.Field(i)
		if opts == "omitempty" && (fv.IsZero() || fv.Kind() == reflect.Slice && fv.Len() == 0) {
			continue
		}
		if !first {
			b.WriteString(",\n")
		}
		first = false
		fmt.Fprintf(b, "   %q: ", key)
		if err := writeValue(b, fv.Interface()); err != nil {
			return fmt.Errorf("network: model state.%s: %w", key, err)
		}
	}
	return nil
}

// writeValue writes v on one line as compactArrays(json.MarshalIndent(v,
// "", " ")) would, writing arrays of numbers (the bulk of a file) directly.
func writeValue(b *bufio.Writer, v any) error {
	switch v := v.(type) {
	case []jfloat:
		writeJFloats(b, v)
	case [][]jfloat:
		writeArray(b, len(v), func(i int) { writeJFloats(b, v[i]) })
	case [][][]jfloat:
		writeArray(b, len(v), func(i int) { writeArray(b, len(v[i]), func(j int) { writeJFloats(b, v[i][j]) }) })
	case []modelWeights:
		writeArray(b, len(v), func(i int) {
			b.WriteString(`{"weights": `)
			writeValue(b, v[i].Weights)
			b.WriteString(`,"biases": `)
			writeJFloats(b, v[i].Biases)
			if len(v[i].Recurrent) > 0 {
				b.WriteString(`,"recurrent": `)
				writeValue(b, v[i].Recurrent)
			}
			b.WriteString("}")
		})
	default:
		j, err := json.MarshalIndent(v, "", " ")
		if err != nil {
			return err
		}
		b.Write(compactArrays(j))
	}
	return nil
}

func writeArray(b *bufio.Writer, n int, item func(int)) {
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		item(i)
	}
	b.WriteByte(']')
}

// writeJFloats writes v as a JSON array (see jfloat.MarshalJSON).
func writeJFloats(b *bufio.Writer, v []jfloat) {
	var num [32]byte
	writeArray(b, len(v), func(i int) { b.Write(v[i].appendJSON(num[:0])) })
}

// compactArrays joins the lines of indented JSON that are inside arrays, so
// that each state field takes one line instead of one per number.
func compactArrays(j []byte) []byte {
	var out bytes.Buffer
	depth := 0 // array nesting
	inStr, esc := false, false
	for i := 0; i < len(j); i++ {
		c := j[i]
		if inStr {
			out.WriteByte(c)
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '[':
			depth++
		case ']':
			depth--
		case '\n':
			if depth > 0 {
				for i+1 < len(j) && j[i+1] == ' ' {
					i++
				}
				continue
			}
		}
		out.WriteByte(c)
	}
	return out.Bytes()
}

// Save writes m to path atomically (see WriteAtomic). On error path is
// untouched, and nothing of the Stepper the Model came from changes.
func (m *Model) Save(path string) error {
	return WriteAtomic(path, func(w io.Writer) error { return m.Write(w) })
}

// WriteFileAtomic writes data to path atomically (see WriteAtomic).
func WriteFileAtomic(path string, data []byte) error {
	return WriteAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// tmpInfix marks the temporary files of WriteAtomic: ".NAME.tmp-RANDOM"
// beside NAME.
const tmpInfix = ".tmp-"

// WriteAtomic writes path through write: into a temporary file in the same
// directory, which is synced, renamed over path, and the directory synced,
// so readers (and a machine that loses power) see the old file or the new
// one, whole. On error the temporary file is removed and path untouched.
// Temporary files that an earlier save of path left behind when its
// process was killed are removed first. It is Stage and Commit.
func WriteAtomic(path string, write func(io.Writer) error) error {
	st, err := Stage(path, write)
	if err != nil {
		return err
	}
	return st.Commit()
}

// Staged is a file written in full beside its destination but not yet in
// place, so that a caller can stage several files and put them all in
// place, or none (Abort).
type Staged struct {
	path string
	tmp  *os.File
	done bool // renamed into place
}

// Stage writes a synced temporary file for path through write (see
// WriteAtomic); Commit puts it in place. It holds the file (and its lock)
// open until Commit or Abort.
func Stage(path string, write func(io.Writer) error) (_ *Staged, err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	fail := func(err error) error { return fmt.Errorf("network: save %s: %w", path, err) }
	removeStaleTemps(dir, base)
	tmp, err := os.CreateTemp(dir, "."+base+tmpInfix+"*")
	if err != nil {
		if d := badDir(dir); d != nil {
			return nil, fail(d) // not the temporary file's name: the user never typed it
		}
		return nil, fail(err)
	}
	lockTemp(tmp)
	st := &Staged{path: path, tmp: tmp}
	defer func() {
		if err != nil {
			st.Abort()
		}
	}()
	if err = write(tmp); err != nil {
		return nil, fail(err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return nil, fail(err)
	}
	if err = tmp.Sync(); err != nil {
		return nil, fail(err)
	}
	return st, nil
}

// badDir says why dir cannot hold a file: "folder nodir does not exist" (an
// error that is fs.ErrNotExist), "nodir is not a folder"; nil when it can,
// as far as that goes.
func badDir(dir string) error {
	dir = filepath.Clean(dir)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &dirError{dir: dir, missing: true}
	case err == nil && !fi.IsDir():
		return &dirError{dir: dir}
	}
	return nil
}

// dirError is a save's folder that is missing or is a file.
type dirError struct {
	dir     string
	missing bool
}

func (e *dirError) Error() string {
	if e.missing {
		return "folder " + e.dir + " does not exist"
	}
	return e.dir + " is not a folder"
}

func (e *dirError) Unwrap() error {
	if e.missing {
		return fs.ErrNotExist
	}
	return nil
}

// Path is the destination.
func (st *Staged) Path() string { return st.path }

// Commit renames the staged file over its destination and syncs the
// directory. On error the staged file is removed.
func (st *Staged) Commit() (err error) {
	fail := func(err error) error { return fmt.Errorf("network: save %s: %w", st.path, err) }
	defer func() {
		if err != nil {
			st.Abort()
		}
	}()
	if err = st.tmp.Close(); err != nil {
		return fail(err)
	}
	if err = os.Rename(st.tmp.Name(), st.path); err != nil {
		return fail(err)
	}
	st.done = true
	if err := syncDir(filepath.Dir(st.path)); err != nil {
		return fail(fmt.Errorf("written, but syncing the folder failed: %w", err))
	}
	return nil
}

// Abort removes the staged file (after a Commit that succeeded, nothing).
func (st *Staged) Abort() {
	st.tmp.Close()
	if !st.done {
		os.Remove(st.tmp.Name())
	}
}

// staleAge is how long a temporary file must have been left alone before
// a later save removes it: a save in progress holds a lock on its file
// (lockTemp), except in the instant between creating and locking it.
const staleAge = 2 * time.Second

// removeStaleTemps removes the temporary files of earlier saves of base in
// dir whose writer is gone: not locked, and not written to for staleAge.
// (Where files cannot be locked, only those older than an hour.)
func removeStaleTemps(dir, base string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := "." + base + tmpInfix
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), prefix) || !e.Type().IsRegular() {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if info, err := e.Info(); err != nil || time.Since(info.ModTime()) < staleAge {
			continue
		}
		if abandoned(p) {
			os.Remove(p)
		}
	}
}
