package lesson

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"backprop/network"
)

// ParseCheck parses one condition. Errors carry the 1-based column.
func ParseCheck(src string) (*Check, error) {
	p := &parser{src: src}
	if err := p.lex(); err != nil {
		return nil, err
	}
	if len(p.toks) == 0 {
		return nil, errors.New("col 1: empty condition")
	}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		t := p.toks[p.i]
		return nil, fmt.Errorf("col %d: unexpected %q; join conditions with && or ||", t.col, t.s)
	}
	return &Check{Src: src, root: n}, nil
}

type tok struct {
	s    string
	kind byte // 'i' ident/word, 'n' number, 'q' quoted, 'o' operator/punct
	col  int
}

type parser struct {
	src  string
	toks []tok
	i    int
}

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }
func isIdent(r rune) bool {
	return r == '_' || r == '-' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

func (p *parser) lex() error {
	rs := []rune(p.src)
	for i := 0; i < len(rs); {
		r := rs[i]
		col := i + 1
		switch {
		case unicode.IsSpace(r):
			i++
		case isIdentStart(r):
			j := i
			for j < len(rs) && isIdent(rs[j]) {
				j++
			}
			p.toks = append(p.toks, tok{string(rs[i:j]), 'i', col})
			i = j
		case unicode.IsDigit(r) || ((r == '-' || r == '+' || r == '.') && i+1 < len(rs) && (unicode.IsDigit(rs[i+1]) || rs[i+1] == '.')):
			j := i + 1
			for j < len(rs) && (unicode.IsDigit(rs[j]) || rs[j] == '.' || rs[j] == 'e' || rs[j] == 'E' ||
				((rs[j] == '-' || rs[j] == '+') && (rs[j-1] == 'e' || rs[j-1] == 'E'))) {
				j++
			}
			s := string(rs[i:j])
			if _, err := strconv.ParseFloat(s, 64); err != nil {
				return fmt.Errorf("col %d: bad number %q", col, s)
			}
			p.toks = append(p.toks, tok{s, 'n', col})
			i = j
		case r == '"':
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				j++
			}
			if j == len(rs) {
				return fmt.Errorf("col %d: unterminated string", col)
			}
			p.toks = append(p.toks, tok{string(rs[i+1 : j]), 'q', col})
			i = j + 1
		default:
			two := ""
			if i+1 < len(rs) {
				two = string(rs[i : i+2])
			}
			switch two {
			case "==", "!=", "<=", ">=", "&&", "||":
				p.toks = append(p.toks, tok{two, 'o', col})
				i += 2
				continue
			}
			if strings.ContainsRune("<>!(),=", r) {
				p.toks = append(p.toks, tok{string(r), 'o', col})
				i++
				continue
			}
			return fmt.Errorf("col %d: unexpected character %q", col, r)
		}
	}
	return nil
}

func (p *parser) peek() (tok, bool) {
	if p.i < len(p.toks) {
		return p.toks[p.i], true
	}
	return tok{}, false
}

func (p *parser) endCol() int { return len([]rune(p.src)) + 1 }

func (p *parser) expect(s string) error {
	t, ok := p.peek()
	if !ok {
		return fmt.Errorf("col %d: expected %q at the end", p.endCol(), s)
	}
	if t.kind != 'o' || t.s != s {
		return fmt.Errorf("col %d: expected %q, found %q", t.col, s, t.s)
	}
	p.i++
	return nil
}

func (p *parser) or() (node, error) {
	return p.chain("||", false, p.and)
}

func (p *parser) and() (node, error) {
	return p.chain("&&", true, p.unary)
}

func (p *parser) chain(op string, and bool, next func() (node, error)) (node, error) {
	first, err := next()
	if err != nil {
		return nil, err
	}
	kids := []node{first}
	for {
		t, ok := p.peek()
		if !ok || t.kind != 'o' || t.s != op {
			break
		}
		p.i++
		n, err := next()
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &logic{and: and, kids: kids}, nil
}

func (p *parser) unary() (node, error) {
	t, ok := p.peek()
	if !ok {
		return nil, fmt.Errorf("col %d: expected a condition at the end", p.endCol())
	}
	if t.kind == 'o' && t.s == "!" {
		p.i++
		n, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &not{n}, nil
	}
	if t.kind == 'o' && t.s == "(" {
		p.i++
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return n, nil
	}
	return p.comparison()
}

var funcArity = map[string]int{"w": 1, "weight": 3, "bias": 2, "grad_norm": 1, "act": 1}

func (p *parser) comparison() (node, error) {
	t, _ := p.peek()
	if t.kind != 'i' {
		return nil, fmt.Errorf("col %d: expected a variable or function, found %q", t.col, t.s)
	}
	p.i++
	c := &cmp{}
	var err error
	if nt, ok := p.peek(); ok && nt.kind == 'o' && nt.s == "(" {
		p.i++
		c.lhs, err = p.call(t)
		if err != nil {
			return nil, err
		}
	} else {
		k, ok := knownVars()[t.s]
		if !ok {
			return nil, fmt.Errorf("col %d: unknown variable %q (known: %s)", t.col, t.s, strings.Join(varOrder, ", "))
		}
		c.lhs = operand{name: t.s, kind: k}
	}
	ot, ok := p.peek()
	if !ok || ot.kind != 'o' || !slices.Contains([]string{"==", "!=", "<", "<=", ">", ">="}, ot.s) {
		if !c.lhs.kind.num {
			return nil, fmt.Errorf("col %d: compare %s with == or != and a word", t.col, c.lhs)
		}
		if c.lhs.fn != "follows" && c.lhs.fn != "decision" && c.lhs.fn != "input" {
			return nil, fmt.Errorf("col %d: %s needs a comparison, e.g. %s >= 1", t.col, c.lhs, c.lhs)
		}
		return c, nil
	}
	p.i++
	c.op = ot.s
	lt, ok := p.peek()
	if !ok {
		return nil, fmt.Errorf("col %d: expected a value after %s", p.endCol(), ot.s)
	}
	if lt.kind == 'o' {
		return nil, fmt.Errorf("col %d: expected a value after %s, found %q", lt.col, ot.s, lt.s)
	}
	p.i++
	if c.lhs.kind.num {
		switch {
		case lt.kind == 'n':
			c.lit = Num(must(strconv.ParseFloat(lt.s, 64)))
		case truthWord(lt.s) >= 0:
			c.lit = Num(float64(truthWord(lt.s)))
		default:
			return nil, fmt.Errorf("col %d: %s is a number; expected a number (or go/stay, yes/no, true/false), found %q", lt.col, c.lhs, lt.s)
		}
		return c, nil
	}
	if c.op != "==" && c.op != "!=" {
		return nil, fmt.Errorf("col %d: %s is a word; only == and != compare words", ot.col, c.lhs)
	}
	c.lit = Str(lt.s)
	if ws := c.lhs.kind.words; ws != nil && !slices.Contains(ws, lt.s) {
		return nil, fmt.Errorf("col %d: %s is never %q (want one of %s)", lt.col, c.lhs, lt.s, strings.Join(ws, ", "))
	}
	return c, nil
}

func must(v float64, _ error) float64 { return v }

// truthWord maps go/yes/true/on to 1 and stay/no/false/off to 0, else −1.
func truthWord(s string) int {
	switch strings.ToLower(s) {
	case "go", "yes", "true", "on":
		return 1
	case "stay", "no", "false", "off":
		return 0
	}
	return -1
}

// call parses the arguments of fn after its "(" up to ")".
func (p *parser) call(fn tok) (operand, error) {
	o := operand{fn: fn.s, kind: varKind{num: true}}
	switch fn.s {
	case "decision", "sigmoid", "z", "target":
		return p.inputArgs(o)
	case "follows", "since", "input":
		return p.nameArg(o, fn)
	case "w", "weight", "bias", "grad_norm":
		return p.intArgs(o, fn)
	case "act":
		o.kind = varKind{words: network.ActivationNames()}
		return p.intArgs(o, fn)
	}
	return o, fmt.Errorf("col %d: unknown function %q (known: decision, sigmoid, z, target, input, follows, w, weight, bias, grad_norm, act, since)", fn.col, fn.s)
}

// inputArgs parses "weather=1, leave=0)".
func (p *parser) inputArgs(o operand) (operand, error) {
	for {
		t, ok := p.peek()
		if ok && t.kind == 'o' && t.s == ")" {
			p.i++
			return o, nil
		}
		if !ok || t.kind != 'i' {
			return o, p.errAt(t, ok, "an input, e.g. weather=1")
		}
		p.i++
		if err := p.expect("="); err != nil {
			return o, err
		}
		v, ok := p.peek()
		if !ok || v.kind != 'n' || (v.s != "0" && v.s != "1") {
			return o, p.errAt(v, ok, "0 or 1")
		}
		p.i++
		o.args = append(o.args, arg{t.s, must(strconv.ParseFloat(v.s, 64))})
		if n, ok := p.peek(); ok && n.kind == 'o' && n.s == "," {
			p.i++
		}
	}
}

// nameArg parses "name)" (follows also "!name)"; since a number variable).
func (p *parser) nameArg(o operand, fn tok) (operand, error) {
	if fn.s == "follows" {
		if t, ok := p.peek(); ok && t.kind == 'o' && t.s == "!" {
			p.i++
			o.neg = true
		}
	}
	t, ok := p.peek()
	if !ok || t.kind != 'i' {
		return o, p.errAt(t, ok, "a name")
	}
	p.i++
	o.name = t.s
	if fn.s == "since" {
		k, known := knownVars()[t.s]
		if !known || !k.num {
			return o, fmt.Errorf("col %d: since needs a number variable (epoch, steps, …), found %q", t.col, t.s)
		}
	}
	return o, p.expect(")")
}

// intArgs parses fn's whole-number arguments "1, 0, 2)" (w counts from 1).
func (p *parser) intArgs(o operand, fn tok) (operand, error) {
	for i := range funcArity[fn.s] {
		if i > 0 {
			if err := p.expect(","); err != nil {
				return o, err
			}
		}
		t, ok := p.peek()
		n, err := strconv.Atoi(t.s)
		if !ok || t.kind != 'n' || err != nil || n < 0 || n > 1e6 {
			return o, p.errAt(t, ok, "a whole number ≥ 0")
		}
		p.i++
		o.nums = append(o.nums, n)
	}
	if fn.s == "w" && o.nums[0] < 1 {
		return o, fmt.Errorf("col %d: w(k) counts from 1", fn.col)
	}
	return o, p.expect(")")
}

func (p *parser) errAt(t tok, ok bool, want string) error {
	if !ok {
		return fmt.Errorf("col %d: expected %s at the end", p.endCol(), want)
	}
	return fmt.Errorf("col %d: expected %s, found %q", t.col, want, t.s)
}
