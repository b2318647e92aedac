package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"backprop/cli/setup"
	"backprop/network"
)

// gradCheckSamples is how many of the data's first training samples eval
// --gradcheck checks every parameter on.
const gradCheckSamples = 5

// gradCheckLimit is the largest relative error eval --gradcheck passes.
const gradCheckLimit = 1e-5

// errGradCheck makes eval exit 1: backprop and the differences disagree.
var errGradCheck = errors.New("gradient check failed")

// gradCheckResult is eval --gradcheck --json's object.
type gradCheckResult struct {
	Model     string  `json:"model"`
	MaxRelErr jsonNum `json:"max_rel_err"`
	Params    int     `json:"params"`
	Samples   int     `json:"samples"`
	Kinks     int     `json:"kinks"`               // checks left out: a ReLU kink within the differences' steps
	Step      string  `json:"step,omitempty"`      // why nothing could be checked
	Passed    bool    `json:"passed"`              // MaxRelErr ≤ 1e-5
	Worst     string  `json:"worst,omitempty"`     // the parameter of the largest error
	Tolerance float64 `json:"tolerance,omitempty"` // 1e-5
}

// gradCheck compares backprop's ∂C/∂w with fourth-order centred
// differences (network.GradChecks) for every parameter of the model on the
// first samples of its training data, and prints one line:
// "gradcheck: max relative error E over N parameters". A step layer, which
// has no derivative, is reported, not failed; so are checks whose
// differences cross a ReLU kink (left out of E).
func gradCheck(mf *setup.File, model string, asJSON bool, w io.Writer) error {
	net, ds := mf.Net, mf.Dataset
	r := gradCheckResult{Model: model, Params: net.NumParams(), Tolerance: gradCheckLimit, Passed: true}
	set := ds.Train
	for i := range min(gradCheckSamples, set.Len()) {
		if set.Seq > 0 { // through time: every W_h too
			checks, err := network.GradChecksSeq(net, set.X[i], set.Y[i], 0)
			if err != nil {
				return err
			}
			r.Samples++
			for _, c := range checks {
				if !(c.RelErr <= float64(r.MaxRelErr)) {
					r.MaxRelErr, r.Worst = jsonNum(c.RelErr), seqParamName(c)
				}
			}
			continue
		}
		checks, err := network.GradChecks(net, set.X[i], set.Y[i], 0)
		if errors.Is(err, network.ErrStepBackprop) {
			r.Step = "a step layer has no derivative: backprop does not apply (the perceptron rule trains it)"
			break
		}
		if err != nil {
			return err
		}
		r.Samples++
		for _, c := range checks {
			if c.Kink {
				r.Kinks++
				continue
			}
			if !(c.RelErr <= float64(r.MaxRelErr)) {
				r.MaxRelErr, r.Worst = jsonNum(c.RelErr), paramName(c.Param)
			}
		}
	}
	r.Passed = !(float64(r.MaxRelErr) > gradCheckLimit) && !math.IsNaN(float64(r.MaxRelErr))
	if asJSON {
		b, _ := json.Marshal(r)
		fmt.Fprintf(w, "%s\n", b)
	} else {
		fmt.Fprintln(w, gradCheckLine(r))
	}
	if !r.Passed {
		return errGradCheck
	}
	return nil
}

// gradCheckLine is the one line eval --gradcheck prints.
func gradCheckLine(r gradCheckResult) string {
	if r.Step != "" {
		return "gradcheck: nothing to check: " + r.Step
	}
	s := fmt.Sprintf("gradcheck: max relative error %.2g over %d parameters", float64(r.MaxRelErr), r.Params)
	if r.Kinks > 0 {
		s += fmt.Sprintf(" (%s at a ReLU kink left out: no derivative there)", numfmtChecks(r.Kinks))
	}
	if !r.Passed {
		s += fmt.Sprintf("; FAILED: above %g, worst at %s", gradCheckLimit, r.Worst)
	}
	return s
}

// paramName names a parameter, 1-based: "layer 2 weight 3←1" or "layer 2 bias 3", 1-based.
func paramName(p network.Param) string {
	if p.IsBias() {
		return fmt.Sprintf("layer %d bias %d", p.Layer+1, p.J+1)
	}
	return fmt.Sprintf("layer %d weight %d←%d", p.Layer+1, p.J+1, p.K+1)
}

// numfmtChecks is "1 check", "3 checks".
func numfmtChecks(n int) string {
	if n == 1 {
		return "1 check"
	}
	return fmt.Sprintf("%d checks", n)
}

// seqParamName names a parameter of a gradient check through time, 1-based:
// "layer 1 weight 3←1", "layer 1 bias 3" or "layer 1 recurrent weight 3←2".
func seqParamName(c network.SeqParamCheck) string {
	switch c.Which {
	case "b":
		return fmt.Sprintf("layer %d bias %d", c.Layer+1, c.J+1)
	case "wh":
		return fmt.Sprintf("layer %d recurrent weight %d←%d", c.Layer+1, c.J+1, c.K+1)
	}
	return fmt.Sprintf("layer %d weight %d←%d", c.Layer+1, c.J+1, c.K+1)
}
