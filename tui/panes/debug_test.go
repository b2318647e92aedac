package panes

import (
	"fmt"
	"os"
	"testing"

	"backprop/network"
	"github.com/charmbracelet/x/ansi"
)

func TestDebugShow(t *testing.T) {
	if os.Getenv("SHOW") == "" {
		t.Skip()
	}
	for _, in := range []Input{xorInput(network.PhaseForward, 60, 16), xorInput(network.PhaseAccumulate, 40, 12), digitsInput(60, 20)} {
		out := Topology(in)
		if os.Getenv("SHOW") == "color" {
			fmt.Println(out)
		} else {
			fmt.Println(ansi.Strip(out))
		}
		fmt.Println("-----")
	}
}

func TestDebugInspector(t *testing.T) {
	if os.Getenv("SHOW") == "" {
		t.Skip()
	}
	for _, ph := range []network.Phase{network.PhaseLoad, network.PhaseForward, network.PhaseCost, network.PhaseBackward, network.PhaseAccumulate, network.PhaseUpdate} {
		in := xorInput(ph, 70, 10)
		fmt.Println(ansi.Strip(Inspector(in)))
		fmt.Println("-----")
	}
	in := digitsInput(80, 10)
	fmt.Println(ansi.Strip(Inspector(in)))
	in.Pos.Phase = network.PhaseAccumulate
	fmt.Println(ansi.Strip(Inspector(in)))
}

func TestDebugAct(t *testing.T) {
	if os.Getenv("SHOW") == "" {
		t.Skip()
	}
	for _, in := range []Input{xorInput(network.PhaseForward, 50, 8), digitsInput(50, 8), digitsInput(100, 8)} {
		fmt.Println(ansi.Strip(Activations(in)))
		fmt.Println("-----")
		fmt.Println(ansi.Strip(Weights(in)))
		fmt.Println("-----")
	}
}

func TestDebugLoss(t *testing.T) {
	if os.Getenv("SHOW") == "" {
		t.Skip()
	}
	for _, in := range []Input{xorInput(network.PhaseForward, 50, 10), digitsInput(60, 12), digitsInput(12, 5)} {
		out := Loss(in)
		fmt.Println(ansi.Strip(out))
		if os.Getenv("SHOW") == "color" {
			fmt.Println(out)
		}
		fmt.Println("-----")
	}
}

func TestDebugBoundary(t *testing.T) {
	if os.Getenv("SHOW") == "" {
		t.Skip()
	}
	for _, in := range []Input{xorInput(network.PhaseForward, 40, 12), digitsInput(50, 12), digitsInput(60, 20)} {
		out := Boundary(in)
		fmt.Println(ansi.Strip(out))
		if os.Getenv("SHOW") == "color" {
			fmt.Println(out)
		}
		fmt.Println("-----")
	}
}

func TestDebugSample(t *testing.T) {
	if os.Getenv("SHOW") == "" {
		t.Skip()
	}
	for _, in := range []Input{xorInput(network.PhaseAccumulate, 50, 12), digitsInput(60, 20)} {
		out := Sample(in)
		fmt.Println(ansi.Strip(out))
		fmt.Println("-----")
	}
	in := digitsInput(60, 20)
	in.Pos.Phase = network.PhaseAccumulate
	fmt.Println(ansi.Strip(Sample(in)))
}
