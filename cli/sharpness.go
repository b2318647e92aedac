package cli

import (
	"errors"
	"fmt"

	"backprop/network"
)

// sharpnessNote is the --sharpness help, shared by train and eval.
const sharpnessNote = "also report λ_max, the largest eigenvalue of the training cost's Hessian (by power iteration), and 2/λ_max, the largest learning rate at which gradient descent does not overshoot"

// sharpnessSamplesNote is the --sharpness-samples help.
const sharpnessSamplesNote = "λ_max over `N` training samples drawn with --seed (0: all of them)"

// sharpness computes λ_max of net's training cost over train (samples of
// them, 0: all), starting from start (an earlier result's vector, or nil).
func sharpness(net *network.Network, h network.Hyper, train network.Set, samples int, start []float64) (network.Sharpness, error) {
	if samples < 0 {
		return network.Sharpness{}, fmt.Errorf("--sharpness-samples must be ≥ 0, got %d", samples)
	}
	idx := network.SampleIndices(train.Len(), samples, h.Seed)
	o, err := network.NewObjective(net, h, train, idx)
	if errors.Is(err, network.ErrStepBackprop) {
		return network.Sharpness{}, errors.New("λ_max needs a differentiable network: a step layer has no Hessian")
	}
	if err != nil {
		return network.Sharpness{}, err
	}
	return o.Sharpness(network.SharpnessOptions{Seed: h.Seed, Start: start})
}

// sharpnessLines is eval's report of λ_max.
func sharpnessLines(s network.Sharpness) string {
	conv := ""
	if !s.Converged {
		conv = fmt.Sprintf(", not converged: residual %.2g", s.Residual)
	}
	return fmt.Sprintf("λ_max     %.6g (the training cost's Hessian, %d samples; %d Hessian-vector products%s)\n2/λ_max   %.6g (gradient descent overshoots along the steepest direction above this learning rate)\n",
		s.LambdaMax, s.Samples, s.Iters, conv, s.Limit())
}
