package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// binaries holds the binaries the tests built, by go build flags, in one
// folder removed by TestMain: each is built once per test run.
var binaries struct {
	sync.Mutex
	root  string
	built map[string]string
}

func TestMain(m *testing.M) {
	if os.Getenv(rusageEnv) != "" { // this binary as the launcher of runLimited
		os.Exit(rusageLauncher(os.Args[1:]))
	}
	code := m.Run()
	if binaries.root != "" {
		os.RemoveAll(binaries.root)
	}
	os.Exit(code)
}

// buildBinary builds backprop (with extra go build flags) once per test run
// and returns its folder (for PATH) and its path.
func buildBinary(t *testing.T, flags ...string) (dir, bin string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	binaries.Lock()
	defer binaries.Unlock()
	key := strings.Join(flags, " ")
	if bin, ok := binaries.built[key]; ok {
		return filepath.Dir(bin), bin
	}
	if binaries.root == "" {
		root, err := os.MkdirTemp("", "backprop-bin")
		if err != nil {
			t.Fatal(err)
		}
		binaries.root, binaries.built = root, map[string]string{}
	}
	dir = filepath.Join(binaries.root, strconv.Itoa(len(binaries.built)))
	bin = filepath.Join(dir, "backprop")
	args := append(append([]string{"build"}, flags...), "-o", bin, "backprop")
	if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", key, err, out)
	}
	binaries.built[key] = bin
	return dir, bin
}

// needShell skips when the shell is missing, unless CI=true.
func needShell(t *testing.T, sh string) {
	t.Helper()
	if _, err := exec.LookPath(sh); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required under CI=true", sh)
		}
		t.Skipf("%s not installed", sh)
	}
}

// TestCompletionBash sources `backprop completion bash` in a real bash, as
// the README says, and asks it for completions as bash would on tab.
func TestCompletionBash(t *testing.T) {
	needShell(t, "bash")
	dir, _ := buildBinary(t)
	work := t.TempDir()
	writeFile(t, work, "points.csv", "a,b,y\n0,0,0\n")
	script := `source <(backprop completion bash) || exit 1
complete -p backprop || exit 1
c() { COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=(); _backprop; echo "$*: ${COMPREPLY[*]}"; }
c backprop tr
c backprop ''
c backprop train --ep
c backprop train --act re
c backprop train --data ci
c backprop train --data poi
c backprop train --lr ''
c backprop --pre
c backprop --preset xo
c backprop eval --o
c backprop completion ''
c backprop help ex
c backprop serve --max-s
c backprop plot bo
c backprop plot loss --hist
c backprop report --o
c backprop race --vary op
c backprop race --data circle --vary opt=sgd,mo
c backprop race --vary init=
c backprop race --unt
c backprop race --until va
`
	cmd := exec.Command("bash", "--norc", "--noprofile", "-c", script)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "PATH="+dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	got := string(out)
	for _, want := range []string{
		"complete -F _backprop backprop\n",
		"backprop tr: train\n",
		"backprop : train race eval sample export plot serve report version completion help\n",
		"backprop plot bo: boundary\n",
		"backprop plot loss --hist: --history\n",
		"backprop train --ep: --epochs\n",
		"backprop train --act re: relu\n",
		"backprop train --data ci: circle\n",
		"backprop train --data poi: points.csv\n",
		"backprop train --lr : \n",
		"backprop --pre: --preset\n",
		"backprop --preset xo: xor\n",
		"backprop eval --o: --on\n",
		"backprop completion : bash zsh fish\n",
		"backprop help ex: export\n",
		"backprop serve --max-s: --max-samples --max-sessions --max-startups\n",
		"backprop report --o: --out\n",
		"backprop race --vary op: opt=\n",
		"backprop race --data circle --vary opt=sgd,mo: sgd,momentum\n", // bash's word starts after =
		"backprop race --vary init=: xavier he uniform zero normal lecun\n",
		"backprop race --unt: --until\n",
		"backprop race --until va: val_acc= val_loss=\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("bash completion lacks %q:\n%s", want, got)
		}
	}
}

// TestCompletionZsh: the zsh script parses and registers itself with
// compinit.
func TestCompletionZsh(t *testing.T) {
	needShell(t, "zsh")
	dir, _ := buildBinary(t)
	script := `autoload -U compinit && compinit -u -d "$TMPDIR/zcompdump" && source <(backprop completion zsh) && print -r -- $_comps[backprop]`
	cmd := exec.Command("zsh", "-f", "-c", script)
	cmd.Env = append(os.Environ(), "PATH="+dir+string(os.PathListSeparator)+os.Getenv("PATH"), "TMPDIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "_backprop" {
		t.Fatalf("zsh: %v\n%s", err, out)
	}
	var zs strings.Builder
	Run([]string{"completion", "zsh"}, &zs, &zs)
	check := exec.Command("zsh", "-n")
	check.Stdin = strings.NewReader(zs.String())
	if out, err := check.CombinedOutput(); err != nil {
		t.Fatalf("zsh -n: %v\n%s", err, out)
	}
}

// TestCompletionFish asks a real fish for completions.
func TestCompletionFish(t *testing.T) {
	needShell(t, "fish")
	dir, _ := buildBinary(t)
	script := `backprop completion fish | source
complete -C'backprop tr'
complete -C'backprop train --ep'
complete -C'backprop train --act re'
complete -C'backprop --preset xo'
complete -C'backprop completion '`
	cmd := exec.Command("fish", "--no-config", "-c", script)
	cmd.Env = append(os.Environ(), "PATH="+dir+string(os.PathListSeparator)+os.Getenv("PATH"), "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("fish: %v\n%s", err, out)
	}
	got := string(out)
	for _, want := range []string{"train\ttrain headless", "--epochs\tnumber of epochs", "relu\t", "xor\t", "bash\n", "zsh\n", "fish\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("fish completion lacks %q:\n%s", want, got)
		}
	}
}

// TestCompletionCoversFlags: every flag of every command is in each script
// (they are generated from the command table), and a flag name takes the
// same kind of value in every command that has it.
func TestCompletionCoversFlags(t *testing.T) {
	scripts := map[string]string{"bash": bashCompletion(), "zsh": zshCompletion(), "fish": fishCompletion()}
	takes := map[string]bool{}
	for _, c := range completionTable() {
		for _, f := range c.flags {
			if v, ok := takes[f.name]; ok && v != f.takesValue {
				t.Errorf("--%s takes a value in one command and not in another", f.name)
			}
			takes[f.name] = f.takesValue
			for sh, s := range scripts {
				pat := `--` + regexp.QuoteMeta(f.name) + `\b`
				if sh == "fish" {
					pat = `-l ` + regexp.QuoteMeta(f.name) + ` `
				}
				if !regexp.MustCompile(pat).MatchString(s) {
					t.Errorf("%s script lacks %s's --%s", sh, c.name, f.name)
				}
			}
		}
	}
}

// TestVersion: --version and version print one line with the module
// version, the commit and the Go version.
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}, {"-version"}} {
		code, out, errs := runCLI(args...)
		if code != 0 || errs != "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
		if !regexp.MustCompile(`^backprop \S+ \(commit \S+.*\) go1\.\d+\S* \w+/\w+\n$`).MatchString(out) {
			t.Errorf("%v: %q", args, out)
		}
	}
}

// TestVersionBuilt: a binary built from a git checkout names its commit.
func TestVersionBuilt(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skip("not in a git checkout")
	}
	if st, err := os.Stat(filepath.Join(strings.TrimSpace(string(top)), ".git")); err != nil || !st.IsDir() {
		t.Skip("a git worktree: go build does not stamp its commit")
	}
	_, bin := buildBinary(t, "-buildvcs=true") // CI sets GOFLAGS=-buildvcs=false
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	head, _ := exec.Command("git", "rev-parse", "--short=12", "HEAD").Output()
	if want := "(commit " + strings.TrimSpace(string(head)); !strings.Contains(string(out), want) {
		t.Errorf("--version %q lacks %q", out, want)
	}
}
