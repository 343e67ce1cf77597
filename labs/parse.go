package labs

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// The lab.txt format keeps shell in shell (see docs/labs.md):
//
//	title: Shared, private, slave and unbindable side by side
//	minutes: 15
//	rootless: no
//
//	Intro text shown when the lab starts.
//	-- setup --
//	mkdir /lab/a
//	-- step Make /lab/a shared --
//	Text of the step.
//	-- check --
//	host /lab/a is shared
//	-- hint --
//	The concept first.
//	-- hint --
//	Closer.
//	-- solution --
//	nstool mount --make-shared /lab/a
//
// A section runs from its "-- name --" line to the next one. (Compiled on
// first use, not at every nstool command's start-up.)
var sectionLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^-- ([a-z]+)(?: (.*?))? --$`) })

// Parse reads one lab.txt; id is the folder name.
func Parse(id, src string) (*Lab, error) {
	l := &Lab{ID: id}
	fail := func(line int, format string, args ...any) error {
		return fmt.Errorf("lab %s: lab.txt:%d: %s", id, line, fmt.Sprintf(format, args...))
	}
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")

	// Header: "key: value" lines up to the first blank line.
	i := 0
	for ; i < len(lines) && strings.TrimSpace(lines[i]) != ""; i++ {
		if sectionLine().MatchString(lines[i]) {
			break
		}
		key, val, ok := strings.Cut(lines[i], ":")
		if !ok {
			return nil, fail(i+1, "header line %q is not \"key: value\"", lines[i])
		}
		val = strings.TrimSpace(val)
		switch strings.TrimSpace(key) {
		case "title":
			l.Title = val
		case "minutes":
			n, err := strconv.Atoi(val)
			if err != nil || n <= 0 {
				return nil, fail(i+1, "minutes: %q is not a positive number", val)
			}
			l.Minutes = n
		case "rootless":
			switch val {
			case "yes", "true":
				l.Rootless = true
			case "no", "false":
			default:
				return nil, fail(i+1, "rootless: want yes or no, not %q", val)
			}
		default:
			return nil, fail(i+1, "unknown header %q (title, minutes, rootless)", key)
		}
	}

	type section struct {
		name, arg string
		line      int
		body      []string
	}
	var sections []section
	var intro []string
	for ; i < len(lines); i++ {
		if m := sectionLine().FindStringSubmatch(lines[i]); m != nil {
			sections = append(sections, section{name: m[1], arg: m[2], line: i + 1})
			continue
		}
		if len(sections) == 0 {
			intro = append(intro, lines[i])
		} else {
			s := &sections[len(sections)-1]
			s.body = append(s.body, lines[i])
		}
	}
	l.Intro = strings.TrimSpace(strings.Join(intro, "\n"))

	for _, s := range sections {
		body := strings.Trim(strings.Join(s.body, "\n"), "\n")
		var step *Step
		if len(l.Steps) > 0 {
			step = &l.Steps[len(l.Steps)-1]
		}
		switch s.name {
		case "setup":
			if len(l.Steps) > 0 {
				return nil, fail(s.line, "setup must come before the first step")
			}
			l.Setup = body
		case "step":
			if s.arg == "" {
				return nil, fail(s.line, "a step needs a title: \"-- step Make /lab/a shared --\"")
			}
			l.Steps = append(l.Steps, Step{Title: s.arg, Text: strings.TrimSpace(body)})
		case "check", "hint", "solution":
			if step == nil {
				return nil, fail(s.line, "%s before the first step", s.name)
			}
			switch s.name {
			case "check":
				for j, line := range s.body {
					line = strings.TrimSpace(line)
					if line == "" || strings.HasPrefix(line, "#") {
						continue
					}
					c, err := ParseCheck(line)
					if err != nil {
						return nil, fail(s.line+1+j, "%v", err)
					}
					step.Checks = append(step.Checks, c)
				}
			case "hint":
				step.Hints = append(step.Hints, strings.TrimSpace(body))
			case "solution":
				step.Solution = body
			}
		default:
			return nil, fail(s.line, "unknown section %q (setup, step, check, hint, solution)", s.name)
		}
	}
	return l, l.validate()
}

// validate enforces what a learner relies on: every step can be checked,
// has a hint and a reference solution.
func (l *Lab) validate() error {
	switch {
	case l.Title == "":
		return fmt.Errorf("lab %s: no title", l.ID)
	case l.Minutes == 0:
		return fmt.Errorf("lab %s: no minutes", l.ID)
	case len(l.Steps) == 0:
		return fmt.Errorf("lab %s: no steps", l.ID)
	}
	for n, s := range l.Steps {
		where := fmt.Sprintf("lab %s: step %d (%s)", l.ID, n+1, s.Title)
		switch {
		case s.Text == "":
			return fmt.Errorf("%s: no text", where)
		case len(s.Checks) == 0:
			return fmt.Errorf("%s: no check", where)
		case len(s.Hints) == 0:
			return fmt.Errorf("%s: no hint", where)
		case strings.TrimSpace(s.Solution) == "":
			return fmt.Errorf("%s: no solution", where)
		}
	}
	return nil
}
