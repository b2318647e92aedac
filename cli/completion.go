package cli

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"backprop/cli/setup"
	"backprop/datasets"
	"backprop/network"
	"backprop/themes"
)

func completionCommand() command {
	return command{
		name:    "completion",
		summary: "print a shell completion script: backprop completion bash|zsh|fish",
		usage:   "backprop completion bash|zsh|fish",
		args:    "SHELL",
		about: `Print a script that teaches the shell backprop's commands, flags and flag
values (data sets, presets, activations, file names). Load it in the current
shell, or install it for every new one.`,
		examples: []string{
			"source <(backprop completion bash)                 # this bash session",
			"backprop completion bash > ~/.local/share/bash-completion/completions/backprop",
			"backprop completion zsh > \"${fpath[1]}/_backprop\"  # then restart zsh",
			"backprop completion fish > ~/.config/fish/completions/backprop.fish",
		},
		flags: func(fs *flag.FlagSet) runFunc {
			return func(stdout, stderr io.Writer) int {
				if fs.NArg() != 1 {
					fmt.Fprintf(stderr, "backprop completion: name one shell: bash, zsh or fish\n")
					return 2
				}
				var script string
				switch sh := fs.Arg(0); sh {
				case "bash":
					script = bashCompletion()
				case "zsh":
					script = zshCompletion()
				case "fish":
					script = fishCompletion()
				default:
					msg := fmt.Sprintf("backprop completion: unknown shell %q (want bash, zsh or fish)", sh)
					if s := nearest(sh, []string{"bash", "zsh", "fish"}); s != "" {
						msg = fmt.Sprintf("backprop completion: unknown shell %q (did you mean %s?)", sh, s)
					}
					fmt.Fprintln(stderr, msg)
					return 2
				}
				if _, err := io.WriteString(stdout, script); err != nil {
					fmt.Fprintf(stderr, "backprop completion: %v\n", err)
					return 1
				}
				return 0
			}
		},
	}
}

// valueKind says what a flag's value is, for completion.
type valueKind int

const (
	anyValue valueKind = iota // a number or free text: nothing to offer
	fileValue
	dirValue
	choiceValue // one of choices; for --data also a file
)

// compFlag is one flag as the completion scripts see it.
type compFlag struct {
	name, about string
	takesValue  bool
	kind        valueKind
	choices     []string
}

// compCommand is one command as the completion scripts see it.
type compCommand struct {
	name, summary string
	flags         []compFlag
	args          []string // positional words (completion's shells)
}

// completionTable is every command with its flags, read from the command
// table so the scripts cannot drift from the flags.
func completionTable() []compCommand {
	var out []compCommand
	for _, c := range commands() {
		cc := compCommand{name: c.name, summary: c.summary}
		switch c.name {
		case "completion":
			cc.args = []string{"bash", "zsh", "fish"}
		case "plot":
			for _, k := range plotKinds() {
				cc.args = append(cc.args, k[0])
			}
		case "help":
			for _, o := range commands() {
				cc.args = append(cc.args, o.name)
			}
		}
		if c.flags != nil {
			fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
			c.flags(fs)
			fs.VisitAll(func(f *flag.Flag) {
				_, use := flag.UnquoteUsage(f)
				cf := compFlag{name: f.Name, about: shortAbout(use), takesValue: !isBoolFlag(f)}
				cf.kind, cf.choices = flagValues(f.Name)
				cc.flags = append(cc.flags, cf)
			})
		}
		out = append(out, cc)
	}
	return out
}

// isBoolFlag reports whether f needs no value.
func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// shortAbout is the first clause of a flag's usage, for menus.
func shortAbout(use string) string {
	for _, cut := range []string{"; ", " (", ": "} {
		if i := strings.Index(use, cut); i > 0 {
			use = use[:i]
		}
	}
	if r := []rune(use); len(r) > 60 {
		use = string(r[:59]) + "…"
	}
	return use
}

// flagValues says what a flag's value can be. The same flag name means the
// same thing in every command.
func flagValues(name string) (valueKind, []string) {
	switch name {
	case "data":
		var names []string
		for _, in := range datasets.Names() {
			names = append(names, in.Name)
		}
		return choiceValue, names
	case "preset":
		var names []string
		for _, p := range setup.Presets() {
			names = append(names, p.Name)
		}
		return choiceValue, names
	case "theme":
		return choiceValue, themes.Names()
	case "act", "out-act":
		return choiceValue, network.ActivationNames()
	case "cost":
		return choiceValue, network.CostNames()
	case "init":
		return choiceValue, network.InitNames()
	case "opt":
		return choiceValue, network.OptimizerNames()
	case "rule":
		return choiceValue, []string{"backprop", "perceptron"}
	case "target-kind":
		return choiceValue, []string{"class", "real"}
	case "progress":
		return choiceValue, []string{"auto", "bar", "plain"}
	case "format":
		return choiceValue, []string{network.FormatPyTorch, network.FormatNumPy}
	case "on":
		return choiceValue, []string{"test", "train", "all"}
	case "log-format":
		return choiceValue, []string{"text", "json"}
	case "vary":
		var names []string
		for _, n := range varyable() {
			names = append(names, n+"=")
		}
		return choiceValue, names
	case "until":
		return choiceValue, []string{"acc=", "loss=", "val_acc=", "val_loss="}
	case "model", "out", "o", "history", "lesson", "authorized-keys", "password-file", "teacher-key", "host-key", "report":
		return fileValue, nil
	case "data-dir", "datasets-dir":
		return dirValue, nil
	}
	return anyValue, nil
}

// valueFlags groups the flags that take a value by kind, as "--a|--b" case
// patterns (the choices of each choice flag separately).
func valueFlags(table []compCommand) (files, dirs, free []string, choices map[string][]string) {
	seen := map[string]bool{}
	choices = map[string][]string{}
	for _, c := range table {
		for _, f := range c.flags {
			if !f.takesValue || seen[f.name] {
				continue
			}
			seen[f.name] = true
			switch f.kind {
			case fileValue:
				files = append(files, "--"+f.name)
			case dirValue:
				dirs = append(dirs, "--"+f.name)
			case choiceValue:
				choices[f.name] = f.choices
			default:
				free = append(free, "--"+f.name)
			}
		}
	}
	sort.Strings(files)
	sort.Strings(dirs)
	sort.Strings(free)
	return files, dirs, free, choices
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func flagNames(c compCommand) string {
	var names []string
	for _, f := range c.flags {
		names = append(names, "--"+f.name)
	}
	return strings.Join(names, " ")
}

// bashCompletion is the bash script: `source <(backprop completion bash)`.
// Only the first word can be a command (as Run reads it); the rest are the
// command's flags and their values.
func bashCompletion() string {
	table := completionTable()
	files, dirs, free, choices := valueFlags(table)
	var b strings.Builder
	b.WriteString("# bash completion for backprop; load with: source <(backprop completion bash)\n")
	b.WriteString(bashVary(choices))
	b.WriteString(`_backprop() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local line=${COMP_LINE:0:COMP_POINT}
    local word=${line##*[[:space:]]}
    local head=${line%"$word"}
    head=${head%"${head##*[![:space:]]}"}
    if [[ ${head##*[[:space:]]} == --vary ]]; then
        _backprop_vary "$word"
        return
    fi
    local cmd=trainer
    if (( COMP_CWORD > 1 )) && [[ ${COMP_WORDS[1]} != -* ]]; then
        cmd=${COMP_WORDS[1]}
    fi
    case $prev in
`)
	for _, name := range sortedKeys(choices) {
		extra := ""
		switch name {
		case "data":
			extra = ` $(compgen -f -- "$cur")`
		case "vary":
			continue // _backprop_vary, above
		case "until":
			fmt.Fprintf(&b, "        --until) compopt -o nospace 2>/dev/null; COMPREPLY=($(compgen -W %q -- \"$cur\")); return ;;\n", strings.Join(choices[name], " "))
			continue
		}
		fmt.Fprintf(&b, "        --%s) COMPREPLY=($(compgen -W %q -- \"$cur\")%s); return ;;\n", name, strings.Join(choices[name], " "), extra)
	}
	for _, g := range []struct {
		flags  []string
		action string
	}{
		{files, `compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return`},
		{dirs, `compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")); return`},
		{free, "return"}, // a number or free text: offer nothing
	} {
		if len(g.flags) > 0 {
			fmt.Fprintf(&b, "        %s) %s ;;\n", strings.Join(g.flags, "|"), g.action)
		}
	}
	b.WriteString("    esac\n")
	var names []string
	for _, c := range table {
		if c.name != defaultCommand {
			names = append(names, c.name)
		}
	}
	fmt.Fprintf(&b, `    if (( COMP_CWORD == 1 )) && [[ $cur != -* ]]; then
        COMPREPLY=($(compgen -W %q -- "$cur"))
        return
    fi
    case $cmd in
`, strings.Join(names, " "))
	for _, c := range table {
		words := flagNames(c)
		if len(c.args) > 0 {
			words = strings.TrimSpace(words + " " + strings.Join(c.args, " "))
		}
		fmt.Fprintf(&b, "        %s) COMPREPLY=($(compgen -W %q -- \"$cur\")) ;;\n", c.name, words)
	}
	b.WriteString(`    esac
}
complete -F _backprop backprop
`)
	return b.String()
}

// bashVary is the bash function for --vary's value, NAME=V1,V2,...: the
// names first (no space after NAME=), then after NAME= the values of a flag
// with choices, comma-separated. It reads the word from COMP_LINE, since
// bash splits words at = (COMP_WORDBREAKS), and answers relative to
// bash's own word.
func bashVary(choices map[string][]string) string {
	var b strings.Builder
	b.WriteString(`_backprop_vary() {
    local word=$1
    if [[ $word != *=* ]]; then
        compopt -o nospace 2>/dev/null
        COMPREPLY=($(compgen -W "` + strings.Join(choices["vary"], " ") + `" -- "$word"))
        return
    fi
    local name=${word%%=*} vals=${word#*=} done= words=
    [[ $vals == *,* ]] && done=${vals%,*},
    case $name in
`)
	for _, n := range varyable() {
		if c, ok := choices[n]; ok && n != "data" {
			fmt.Fprintf(&b, "        %s) words=%q ;;\n", n, strings.Join(c, " "))
		}
	}
	b.WriteString(`    esac
    local prefix=$name=$done
    [[ $COMP_WORDBREAKS == *=* ]] && prefix=$done
    COMPREPLY=($(compgen -P "$prefix" -W "$words" -- "${vals##*,}"))
}
`)
	return b.String()
}

// zshQuote makes s safe inside a single-quoted _arguments spec's
// description.
func zshQuote(s string) string {
	r := strings.NewReplacer("'", "", "[", "(", "]", ")", ":", " -", "\\", "", "`", "")
	return r.Replace(s)
}

// zshCompletion is the zsh script (#compdef backprop), with descriptions.
func zshCompletion() string {
	table := completionTable()
	var b strings.Builder
	b.WriteString("#compdef backprop\n# zsh completion for backprop; install as _backprop in a folder of $fpath.\n\n")
	for _, c := range table {
		fmt.Fprintf(&b, "_backprop_%s() {\n", strings.ReplaceAll(c.name, "-", "_"))
		if len(c.flags) == 0 && len(c.args) == 0 {
			b.WriteString("    _message 'no flags'\n}\n\n")
			continue
		}
		b.WriteString("    _arguments -s -S \\\n")
		for _, f := range c.flags {
			spec := fmt.Sprintf("'--%s[%s]", f.name, zshQuote(f.about))
			if f.takesValue {
				switch f.kind {
				case fileValue:
					spec += ":file:_files"
				case dirValue:
					spec += ":folder:_files -/"
				case choiceValue:
					spec += fmt.Sprintf(":%s:(%s)", f.name, strings.Join(f.choices, " "))
					if f.name == "data" {
						spec = fmt.Sprintf("'--%s[%s]:data set:{_alternative \"sets:built-in set:(%s)\" \"files:CSV file:_files\"}", f.name, zshQuote(f.about), strings.Join(f.choices, " "))
					}
				default:
					spec += fmt.Sprintf(":%s: ", f.name)
				}
			}
			b.WriteString("        " + spec + "' \\\n")
		}
		if len(c.args) > 0 {
			fmt.Fprintf(&b, "        '1:%s:(%s)' \\\n", strings.ToLower(c.name), strings.Join(c.args, " "))
		}
		b.WriteString("        && return 0\n}\n\n")
	}
	b.WriteString("_backprop() {\n    local -a commands\n    commands=(\n")
	for _, c := range table {
		if c.name != defaultCommand {
			fmt.Fprintf(&b, "        '%s:%s'\n", c.name, zshQuote(c.summary))
		}
	}
	b.WriteString(`    )
    if (( CURRENT == 2 )) && [[ ${words[CURRENT]} != -* ]]; then
        _describe -t commands 'backprop command' commands
        return
    fi
    if (( CURRENT > 2 )) && [[ ${words[2]} != -* ]]; then
        local cmd=${words[2]//-/_}
        shift words
        (( CURRENT-- ))
        (( $+functions[_backprop_$cmd] )) && _backprop_$cmd
        return
    fi
    _backprop_trainer
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    _backprop "$@"
else
    compdef _backprop backprop
fi
`)
	return b.String()
}

// fishQuote single-quotes s for fish.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// fishCompletion is the fish script.
func fishCompletion() string {
	table := completionTable()
	var b strings.Builder
	b.WriteString("# fish completion for backprop; install as ~/.config/fish/completions/backprop.fish\n")
	b.WriteString("complete -c backprop -f\n")
	var names []string
	for _, c := range table {
		if c.name != defaultCommand {
			names = append(names, c.name)
		}
	}
	all := strings.Join(names, " ")
	for _, c := range table {
		if c.name == defaultCommand {
			continue
		}
		fmt.Fprintf(&b, "complete -c backprop -n '__fish_use_subcommand' -a %s -d %s\n", c.name, fishQuote(c.summary))
	}
	for _, c := range table {
		cond := fmt.Sprintf("'__fish_seen_subcommand_from %s'", c.name)
		if c.name == defaultCommand {
			cond = fmt.Sprintf("'not __fish_seen_subcommand_from %s'", all)
		}
		for _, f := range c.flags {
			line := fmt.Sprintf("complete -c backprop -n %s -l %s -d %s", cond, f.name, fishQuote(f.about))
			if f.takesValue {
				switch f.kind {
				case fileValue:
					line += " -r -F"
				case dirValue:
					line += " -x -a '(__fish_complete_directories)'"
				case choiceValue:
					if f.name == "data" {
						line += " -r -F" // a built-in name or a CSV file
					} else {
						line += " -x"
					}
					line += " -a " + fishQuote(strings.Join(f.choices, " "))
				default:
					line += " -x"
				}
			}
			b.WriteString(line + "\n")
		}
		if len(c.args) > 0 {
			fmt.Fprintf(&b, "complete -c backprop -n %s -a %s\n", cond, fishQuote(strings.Join(c.args, " ")))
		}
	}
	return b.String()
}
