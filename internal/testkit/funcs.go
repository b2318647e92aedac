package testkit

import (
	"cmp"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
)

// Func is one function or method declaration of a package.
type Func struct {
	Name  string // "Topology", or "Model.View" for a method
	File  string // the file's base name
	Line  int    // of the func keyword
	Lines int    // from the func keyword to the closing brace
}

// Funcs lists the functions and methods in the Go files of dir (test files
// excluded), longest first.
func Funcs(dir string) ([]Func, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var out []Func
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				start, end := fset.Position(fd.Pos()), fset.Position(fd.End())
				out = append(out, Func{Name: funcName(fd), File: filepath.Base(path), Line: start.Line, Lines: end.Line - start.Line + 1})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Func) int { return cmp.Compare(b.Lines, a.Lines) })
	return out, nil
}

// LongFuncs lists the functions of dir over max lines, longest first.
func LongFuncs(dir string, max int) ([]Func, error) {
	fs, err := Funcs(dir)
	if err != nil {
		return nil, err
	}
	n := 0
	for n < len(fs) && fs[n].Lines > max {
		n++
	}
	return fs[:n], nil
}

// funcName is "F", or "T.M" for a method of T or *T.
func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if ix, ok := t.(*ast.IndexExpr); ok {
		t = ix.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name + "." + fd.Name.Name
	}
	return fd.Name.Name
}
