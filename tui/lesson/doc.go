// Package lesson parses and runs guided lessons. A lesson is a Markdown
// file with front matter (title, id, order, summary) and "## Step: <title>"
// sections; in a step, three fenced blocks have a meaning and the rest is
// text rendered with glamour:
//
//   - scene: what the step sets up (screen, preset, focus, weights, η, …),
//     sent to the app as a SceneMsg;
//   - question: a predict-then-reveal question, asked before the learner
//     can act and scored when the checkpoint is reached;
//   - check: the checkpoint, conditions on the live State that must all
//     hold before the next step (Check, parsed by ParseCheck).
//
// A condition compares a variable or a function with a literal:
//
//	wrong == 0                          bench truth-table rows decided wrongly
//	phase == backward && layer == 0     the trainer's position (0-based layers)
//	follows(weather)                    the bench's decision equals an input
//	sigmoid(leave=1, weather=1) >= 0.9  the bench unit for given inputs
//	w(3) > 0.5, threshold < 1           a bench weight (k from 1), θ = −b
//	weight(l, j, k), bias(l, j)         engine parameters (0-based)
//	since(epoch) >= 5                   growth since the step's scene was set
//
// with ==, !=, <, <=, >, >=, &&, ||, ! and parentheses. The words that
// phase and status compare with, and a scene's step, are network's own
// names (network.PhaseNames, StatusNames, GranularityNames). The README
// lists every key, variable and function.
//
// Model is the Bubble Tea component that walks the lessons: the app embeds
// it, routes keys to it while HandlesKey, applies the SceneMsgs it sends,
// and calls Sync with a State (Live: the bench and the trainer's Stepper)
// after every change of its own, so checkpoints are re-evaluated. Progress
// is saved per user as JSON under the XDG state directory (Progress).
//
// # Invariants
//
//   - Parse errors say where and what was expected: "file:line: …", and a
//     condition's "col N: …". Bad input never panics (fuzz tests for Parse
//     and ParseCheck).
//   - A checkpoint is judged only once its step's scene is in place
//     (SceneMsg returned to Update), so a step cannot pass on the previous
//     step's state; since() counts from that moment.
//   - View(w, h) is a function of the Model: at most h lines of at most w
//     cells, drawn in named steps (header, body, footer by stage); only
//     glamour's rendering is cached, per width.
//   - Progress saves are ordered (an older save never lands after a newer
//     one) and durable: a temp file fsynced, renamed, and the directory
//     fsynced. A progress file that cannot be read starts afresh and says
//     so; it never stops the lessons. Progress goes through a Store
//     (DirStore: progress.json), so another store can hold it.
//   - A prediction is recorded (Given: option, right or not, time) and
//     saved as it is made; a new one replaces it until the step is first
//     done, which stamps Done and scores Answers. From then on the first
//     prediction stands: a revisit asks again but changes no record.
//   - No package-level mutable state: one server process runs the lessons
//     of many sessions.
package lesson
