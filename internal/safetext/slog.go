package safetext

import (
	"context"
	"fmt"
	"log/slog"
)

// LogHandler wraps h so that every string a log record carries — the
// message, string values, errors and Stringers, group and key names — is
// cleaned with Line first. slog's JSON handler escapes C0 controls but
// passes C1 controls and bidi overrides through, and a log is read on a
// terminal: a user name or a key comment is text from outside.
func LogHandler(h slog.Handler) slog.Handler {
	if _, ok := h.(logHandler); ok {
		return h
	}
	return logHandler{h}
}

type logHandler struct{ h slog.Handler }

func (l logHandler) Enabled(ctx context.Context, lv slog.Level) bool { return l.h.Enabled(ctx, lv) }

func (l logHandler) Handle(ctx context.Context, r slog.Record) error {
	c := slog.NewRecord(r.Time, r.Level, Line(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		c.AddAttrs(cleanAttr(a))
		return true
	})
	return l.h.Handle(ctx, c)
}

func (l logHandler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = cleanAttr(a)
	}
	return logHandler{l.h.WithAttrs(clean)}
}

func (l logHandler) WithGroup(name string) slog.Handler { return logHandler{l.h.WithGroup(Line(name))} }

// cleanAttr cleans a's key and its value's text. Numbers, times and other
// values the handler formats itself keep their kind.
func cleanAttr(a slog.Attr) slog.Attr {
	a.Key = Line(a.Key)
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(Line(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]slog.Attr, len(g))
		for i, ga := range g {
			clean[i] = cleanAttr(ga)
		}
		a.Value = slog.GroupValue(clean...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			a.Value = slog.StringValue(Line(x.Error()))
		case fmt.Stringer:
			a.Value = slog.StringValue(Line(x.String()))
		case []byte:
			a.Value = slog.StringValue(Line(string(x)))
		case string:
			a.Value = slog.StringValue(Line(x))
		}
	default:
		a.Value = v
	}
	return a
}
