package lesson

import (
	"embed"
	"fmt"
	"path"
	"sort"
)

//go:embed lessons/*.md
var lessonFS embed.FS

// Builtin parses the embedded lessons and returns them in order.
func Builtin() ([]*Lesson, error) {
	ents, err := lessonFS.ReadDir("lessons")
	if err != nil {
		return nil, fmt.Errorf("lesson: %w", err)
	}
	var out []*Lesson
	ids := map[string]string{}
	for _, e := range ents {
		name := path.Join("lessons", e.Name())
		data, err := lessonFS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("lesson: %w", err)
		}
		l, err := Parse(name, data)
		if err != nil {
			return nil, err
		}
		if prev, dup := ids[l.ID]; dup {
			return nil, fmt.Errorf("%s: id %q already used by %s", name, l.ID, prev)
		}
		ids[l.ID] = name
		out = append(out, l)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out, nil
}
