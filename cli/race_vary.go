package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"backprop/cli/setup"
	"backprop/internal/safetext"
	"backprop/network"
)

// axis is one --vary: a setup flag and the values the variants give it.
type axis struct {
	Name   string   `json:"flag"`
	Values []string `json:"values"`
}

// variant is one combination of the axes' values, its session and, after
// the race, its results.
type variant struct {
	Values []string // one per axis
	label  string   // "opt=sgd lr=0.3"
	sess   *setup.Session
	init0  *network.Network // the weights it starts from
	start  int              // its starting point's index (A = 0)
	note   string           // why it could not share the first start

	trained int                  // epochs trained by the race
	last    *network.EpochStats  // the last finished epoch's metrics
	reached []int                // per finish line: the epoch it was crossed (0: never)
	stopped string               // a perceptron's convergence, or ""
	err     error                // divergence
	history []network.EpochStats // kept for --history
}

// setupFlagNames are the flags setup.AddFlags registers.
func setupFlagNames() []string {
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	setup.AddFlags(fs)
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	return names
}

// varyable are the setup flags a race may vary: all but --model and the
// data limits and folder.
func varyable() []string {
	var names []string
	for _, n := range setupFlagNames() {
		if n != "model" && n != setup.MaxDataFlag && n != "data-dir" {
			names = append(names, n)
		}
	}
	return names
}

// fixedReason says why a flag of race or train cannot vary ("" for one
// that neither has).
func fixedReason(name string) string {
	switch name {
	case "epochs":
		return "every variant trains the same --epochs (the table says when each crossed --until)"
	case "out", "history":
		return "it names the folder race writes to (one file per variant)"
	case "json", "threads", "until", "vary":
		return "it is race's own: it says how the race runs and reports"
	case "model":
		return "the variants all start from one --model; give it once"
	case setup.MaxDataFlag, "data-dir":
		return "it says where the data lives or how large it may be, not how a variant trains"
	case "progress", "sharpness", "sharpness-samples":
		return "it is train's alone: race prints one table at the end"
	}
	return ""
}

// listValued are the setup flags whose values are comma lists: their
// --vary values are separated by /.
func listValued(name string) bool { return name == "layers" || name == "act" || name == "target" }

// parseVary reads the --vary flags into axes; fs has race's parsed flags.
func parseVary(fs *flag.FlagSet, specs []string) ([]axis, error) {
	if len(specs) == 0 {
		return nil, setup.Errorf("vary", "required: at least one NAME=V1,V2,... such as --vary opt=sgd,momentum,adam")
	}
	names := varyable()
	var axes []axis
	n := 1
	for _, spec := range specs {
		a, err := parseAxis(spec, names)
		if err != nil {
			return nil, err
		}
		for _, b := range axes {
			if b.Name == a.Name {
				return nil, setup.Errorf("vary "+a.Name, "is varied twice; give all its values in one --vary %s=V1,V2,...", a.Name)
			}
		}
		given := false
		fs.Visit(func(f *flag.Flag) { given = given || f.Name == a.Name })
		if given {
			return nil, setup.Errorf("vary "+a.Name, "--%s is given too; drop one (the --vary values replace it)", a.Name)
		}
		if n *= len(a.Values); n > maxVariants {
			return nil, setup.Errorf("vary", "%d variants or more; a race takes at most %d", n, maxVariants)
		}
		axes = append(axes, a)
	}
	return axes, nil
}

// parseAxis reads one --vary NAME=V1,V2,... .
func parseAxis(spec string, names []string) (axis, error) {
	name, vals, ok := strings.Cut(spec, "=")
	name = strings.TrimLeft(strings.TrimSpace(name), "-")
	if !ok || name == "" {
		return axis{}, setup.Errorf("vary", "want NAME=V1,V2,... (for example --vary opt=sgd,adam), got %q", spec)
	}
	if !slices.Contains(names, name) {
		if r := fixedReason(name); r != "" {
			return axis{}, setup.Errorf("vary "+name, "cannot vary: %s", r)
		}
		msg := "unknown flag"
		switch s, other := suggestFlag(name, names), commandWithFlag(name, "race"); {
		case s != "":
			msg += fmt.Sprintf(" (did you mean --vary %s?)", s)
		case other != "":
			msg += fmt.Sprintf(" (it is a flag of %s; race varies train's data, network and training flags)", other)
		default:
			msg += " (see backprop race --help)"
		}
		return axis{}, setup.Errorf("vary "+safetext.Line(name), "%s", msg)
	}
	sep := ","
	if listValued(name) && strings.Contains(vals, "/") {
		sep = "/"
	}
	a := axis{Name: name}
	for _, v := range strings.Split(vals, sep) {
		v = strings.TrimSpace(v)
		switch {
		case v == "" && strings.TrimSpace(vals) == "":
			return axis{}, setup.Errorf("vary "+name, "no values (want %s=V1,V2,...)", name)
		case v == "":
			return axis{}, setup.Errorf("vary "+name, "an empty value in %q", vals)
		case slices.Contains(a.Values, v):
			return axis{}, setup.Errorf("vary "+name, "%q is given twice", v)
		case name == "layers" && sep == "," && v == "_":
			return axis{}, setup.Errorf("vary "+name, "separate --layers values with / (--vary layers=_,4,_/_,8,_), got %q", vals)
		}
		a.Values = append(a.Values, v)
	}
	return a, nil
}

// combinations lists every choice of one value per axis, the first axis
// changing slowest.
func combinations(axes []axis) [][]string {
	out := [][]string{nil}
	for _, a := range axes {
		var next [][]string
		for _, c := range out {
			for _, v := range a.Values {
				next = append(next, append(slices.Clone(c), v))
			}
		}
		out = next
	}
	return out
}

// buildVariants builds every variant's session through the one session
// builder: race's own setup flags, then each axis's value, parsed by a
// fresh flag set as train would parse them, under lim (race passes no undo
// and each variant's share of --threads). The variants share loaded data.
func buildVariants(fs *flag.FlagSet, sf *setup.Flags, axes []axis, lim setup.Limits) ([]*variant, error) {
	isSetup := map[string]bool{}
	for _, n := range setupFlagNames() {
		isSetup[n] = true
	}
	var base []string
	fs.Visit(func(f *flag.Flag) {
		if isSetup[f.Name] {
			base = append(base, "--"+f.Name+"="+f.Value.String())
		}
	})
	cache := setup.NewDataCache()
	var vs []*variant
	momentum := false
	for i, vals := range combinations(axes) {
		v := &variant{Values: vals}
		var parts []string
		for j, a := range axes {
			parts = append(parts, a.Name+"="+vals[j])
		}
		v.label = safetext.Line(strings.Join(parts, " "))
		s, err := buildVariant(base, axes, vals, cache, lim)
		if err != nil {
			return nil, variantError(err, axes, vals, v.label, i == 0)
		}
		v.sess, v.init0 = s, s.Stepper.Net().Clone()
		momentum = momentum || s.Stepper.Hyper().Opt == network.Momentum
		vs = append(vs, v)
	}
	if sf.Given("momentum") && !momentum {
		return nil, setup.Errorf("momentum", "is for --opt momentum, and no variant uses it (add --vary opt=...,momentum or drop --momentum)")
	}
	return vs, nil
}

// varyParseError is a --vary value the flag itself refuses.
type varyParseError struct {
	name, value string
	fl          *flag.Flag
}

func (e varyParseError) Error() string { return "invalid value" }

// buildVariant parses base and one value per axis and builds the session.
func buildVariant(base []string, axes []axis, vals []string, cache *setup.DataCache, lim setup.Limits) (*setup.Session, error) {
	fs := flag.NewFlagSet("race", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	sf := setup.AddFlags(fs)
	sf.ShareData(cache)
	if err := fs.Parse(base); err != nil {
		return nil, err // race's own parse accepted them
	}
	for j, a := range axes {
		if err := fs.Parse([]string{"--" + a.Name + "=" + vals[j]}); err != nil {
			return nil, varyParseError{a.Name, vals[j], fs.Lookup(a.Name)}
		}
	}
	return sf.Session(lim)
}

// variantError says which --vary value a variant's error comes from: a
// mistake about a varied flag names that value; another flag's names the
// variant (unless it is the first, where the mistake is the race's own).
func variantError(err error, axes []axis, vals []string, label string, first bool) error {
	var pe varyParseError
	if errors.As(err, &pe) {
		return setup.Errorf("vary "+pe.name+"="+safetext.Line(pe.value), "want %s", wantOf(pe.fl))
	}
	var fe *setup.FlagError
	if errors.As(err, &fe) {
		for j, a := range axes {
			if a.Name == fe.Flag {
				msg := fe.Msg
				if _, choices := flagValues(a.Name); len(choices) > 0 {
					if s := nearest(vals[j], choices); s != "" && s != vals[j] {
						msg += fmt.Sprintf(" (did you mean %s?)", s)
					}
				}
				return setup.Errorf("vary "+a.Name+"="+safetext.Line(vals[j]), "%s", msg)
			}
		}
		if first && !mentions(fe.Msg, axes, vals) {
			return err // the race's own flags
		}
		return setup.Errorf(fe.Flag, "%s (in the variant %s)", fe.Msg, label)
	}
	if first {
		return err
	}
	return fmt.Errorf("the variant %s: %w", label, err)
}

// mentions reports whether msg names one of the axes or their values.
func mentions(msg string, axes []axis, vals []string) bool {
	for j, a := range axes {
		if strings.Contains(msg, a.Name) || strings.Contains(msg, vals[j]) {
			return true
		}
	}
	return false
}
