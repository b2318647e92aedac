package setup

import (
	"encoding/json"
	"sync"

	"backprop/datasets"
)

// DataCache shares loaded data sets between the sessions that a command
// builds from flags naming the same data (backprop race builds one session
// per variant). A loaded Dataset is never changed afterwards: the steppers
// read its rows and keep their own permutations, so sessions on several
// goroutines may hold the same one.
type DataCache struct {
	mu sync.Mutex
	m  map[string]*datasets.Dataset
}

// NewDataCache returns an empty cache.
func NewDataCache() *DataCache { return &DataCache{m: map[string]*datasets.Dataset{}} }

// ShareData makes f load its data through c: a spec already loaded there
// is not loaded again.
func (f *Flags) ShareData(c *DataCache) { f.cache = c }

// loadData loads spec under lim, through f's cache when it has one.
func (f *Flags) loadData(lim Limits, spec datasets.Spec) (*datasets.Dataset, error) {
	c := f.cache
	if c == nil {
		return lim.LoadData(spec)
	}
	b, err := json.Marshal(struct {
		Spec datasets.Spec
		Max  int64
	}{spec, lim.MaxDataBytes})
	if err != nil {
		return lim.LoadData(spec)
	}
	key := string(b)
	c.mu.Lock()
	defer c.mu.Unlock()
	if ds, ok := c.m[key]; ok {
		return ds, nil
	}
	ds, err := lim.LoadData(spec)
	if err == nil && ds != nil {
		c.m[key] = ds
	}
	return ds, err
}
