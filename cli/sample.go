package cli

import (
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"backprop/cli/setup"
	"backprop/datasets"
	"backprop/internal/safetext"
	"backprop/network"
)

// maxSampleLen bounds --len.
const maxSampleLen = 100000

func sampleCommand() command {
	return command{
		name:    "sample",
		summary: "generate text from a model trained on text data (text, text:FILE)",
		usage:   "backprop sample --model FILE [--prime TEXT] [--len N] [--temp T] [--seed S]",
		about: `Generate text, one character at a time, from a network trained on a text
set (the text preset, --data text or text:FILE): the priming text is fed
first (characters the text never had are skipped), then each step draws the
next character from the network's output, sharpened by 1/temperature, and
feeds it back through the recurrent layers. The same model, flags and seed
give the same text. It prints the priming text and what follows.`,
		groups: []flagGroup{
			{"flags", []string{"model", "prime", "len", "temp", "seed"}},
		},
		footer: `exit status: 0 sampled; 1 bad model file, or a model whose data is not a
text set; 2 bad flags.`,
		examples: []string{
			"backprop train --data text --steps 50 --recurrent --layers _,64,_ --act tanh,softmax --cost cross-entropy --opt adam --lr 0.005 --batch 1 --clip 5 --epochs 40 --out lincoln.json",
			"backprop sample --model lincoln.json --prime We --len 200",
			"backprop sample --model lincoln.json --temp 0   # always the most likely character",
		},
		flags: func(fs *flag.FlagSet) runFunc {
			model := fs.String("model", "", "the model `FILE` to sample from (required; trained on text data)")
			prime := fs.String("prime", "", "`TEXT` to feed the network first (default: the text's first character)")
			n := fs.Int("len", 200, fmt.Sprintf("characters to generate, 1..%d", maxSampleLen))
			temp := fs.Float64("temp", 0.8, "temperature ≥ 0: below 1 surer and more repetitive, above 1 wilder; 0 takes the most likely character")
			seed := fs.Uint64("seed", 1, "seed of the random draws")
			return func(stdout, stderr io.Writer) int {
				s, err := sampleText(*model, *prime, *n, *temp, *seed)
				if err != nil {
					fmt.Fprintf(stderr, "backprop sample: %v\n", err)
					return setup.ExitCode(err)
				}
				fmt.Fprintln(stdout, *prime+s)
				return 0
			}
		},
	}
}

// sampleText loads model and generates n characters after prime.
func sampleText(model, prime string, n int, temp float64, seed uint64) (string, error) {
	switch {
	case model == "":
		return "", setup.Errorf("model", "required: the model file to sample from")
	case n < 1 || n > maxSampleLen:
		return "", setup.Errorf("len", "must be in 1..%d, got %d", maxSampleLen, n)
	case !(temp >= 0) || math.IsInf(temp, 1):
		return "", setup.Errorf("temp", "must be a finite number ≥ 0, got %v", temp)
	}
	mf, err := setup.Open(model, nil, setup.Limits{})
	if err != nil {
		return "", err
	}
	return sampleWith(mf.Net, mf.Dataset, prime, n, temp, seed, safetext.Line(model))
}

// sampleWith generates n characters from net, trained on the text set ds, after
// prime, with the draws seeded by seed. name says whose network it is in
// errors.
func sampleWith(net *network.Network, ds *datasets.Dataset, prime string, n int, temp float64, seed uint64, name string) (string, error) {
	if len(ds.Vocab) == 0 {
		return "", fmt.Errorf("%s: its data is %s, not a text set (text, text:FILE): there are no characters to sample", name, safetext.Line(ds.Name))
	}
	if net.Sizes[0] != len(ds.Vocab) || net.Sizes[len(net.Sizes)-1] != len(ds.Vocab) {
		return "", fmt.Errorf("%s: the network takes %d inputs and gives %d outputs; the text has %d characters", name, net.Sizes[0], net.Sizes[len(net.Sizes)-1], len(ds.Vocab))
	}
	r := net.NewRunner()
	rng := rand.New(rand.NewPCG(seed, 0x5a4d))
	return datasets.SampleText(ds, r.Step, prime, n, temp, rng), nil
}
