package network

// CONTRACT remainder: model files and the gradient check (being implemented).

import (
	"encoding/json"
	"errors"
	"io"
)

// Model is the JSON model file: everything needed to resume exactly. Data is
// the caller's own description of the data set (name, noise, split, seed),
// stored verbatim under "data" so a trainer can rebuild the same Set.
type Model struct {
	Data json.RawMessage `json:"data,omitempty"`
}

// GradCheck compares backprop's ∂C/∂w and ∂C/∂b for one sample with centred
// finite differences and returns the largest relative error
// |g − ĝ| / max(|g|, |ĝ|, tiny).
func GradCheck(net *Network, x, y []float64, h float64) (maxRelErr float64, err error) {
	return 0, errors.New("TODO")
}

// Model files.
func (s *Stepper) Model() *Model                           { return nil }
func LoadModel(path string) (*Model, error)                { return nil, errors.New("TODO") }
func ParseModel(data []byte) (*Model, error)               { return nil, errors.New("TODO") } // errors name the JSON path
func (m *Model) Save(path string) error                    { return errors.New("TODO") }      // atomic: temp file + rename
func (m *Model) Write(w io.Writer) error                   { return errors.New("TODO") }
func (m *Model) Network() (*Network, error)                { return nil, errors.New("TODO") }
func (m *Model) Stepper(train, test Set) (*Stepper, error) { return nil, errors.New("TODO") } // resumes exactly
