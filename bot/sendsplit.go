package bot

// Fitting a long text into Telegram's message and caption limits.

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// sendUTF16Len is a text's length as Telegram counts it: in UTF-16 code
// units, so a character outside the Basic Multilingual Plane counts two.
func sendUTF16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// sendCaption fits text into a caption. A text too long for one is cut to
// fit, with an ellipsis, and after is the whole text, to send as a message
// after the file; otherwise after is "".
func sendCaption(text string, html bool) (caption, after string) {
	if sendUTF16Len(text) <= sendCaptionLimit {
		return text, ""
	}
	head, _ := sendSplit(text, sendCaptionLimit-1, html)
	return head + "…", text
}

// sendSplit cuts text into a first part of at most limit UTF-16 code units
// and the rest ("" if the text fits). It cuts at a paragraph break, else a
// line break, else a space, in the second half of the part; failing those,
// as late as possible. It never cuts inside a character (a UTF-8 sequence,
// a surrogate pair), before a combining accent (Vietnamese typed with
// decomposed accents) or, for HTML, inside a tag or an entity; tags open at
// the cut are closed at the end of the part and opened again in the rest, so
// both parse. Lengths are counted on the text as written, markup included,
// which is never less than what Telegram counts. Markdown entities that span
// the cut are not repaired.
func sendSplit(text string, limit int, html bool) (head, rest string) {
	if sendUTF16Len(text) <= limit {
		return text, ""
	}
	budget := limit
	for {
		cut := sendCutAt(text, budget, html)
		var closers, openers string
		if html {
			open := sendOpenTags(text[:cut])
			for i := len(open) - 1; i >= 0; i-- {
				closers += "</" + open[i].name + ">"
			}
			for _, t := range open {
				openers += t.tag
			}
		}
		head = strings.TrimRightFunc(text[:cut], unicode.IsSpace)
		over := sendUTF16Len(head) + sendUTF16Len(closers) - limit
		if over <= 0 || budget <= over {
			rest = strings.TrimLeftFunc(text[cut:], unicode.IsSpace)
			if rest != "" {
				rest = openers + rest
			}
			return head + closers, rest
		}
		// Make room for the closing tags and cut again.
		budget -= over
	}
}

// sendCutAt returns the byte offset to end a part that may hold budget
// UTF-16 code units; see sendSplit for where it prefers to cut.
func sendCutAt(text string, budget int, html bool) int {
	var para, line, space, safe, hard int
	units := 0
	inTag := false
	entityEnd := 0 // byte offset just past the entity being read
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if i > 0 {
			hard = i
			if !inTag && i >= entityEnd && !unicode.Is(unicode.Mn, r) {
				safe = i
				if 2*units >= budget {
					switch {
					case r == '\n' && strings.HasPrefix(text[i+1:], "\n"):
						para = i
					case r == '\n':
						line = i
					case r == ' ':
						space = i
					}
				}
			}
		}
		n := 1
		if r >= 0x10000 {
			n = 2
		}
		if units+n > budget {
			break
		}
		units += n
		if html {
			switch r {
			case '<':
				inTag = true
			case '>':
				inTag = false
			case '&':
				if end := strings.IndexByte(text[i:], ';'); end > 0 && end < 12 {
					entityEnd = i + end + 1
				}
			}
		}
		i += size
		if i == len(text) {
			return i
		}
	}
	for _, at := range []int{para, line, space, safe, hard} {
		if at > 0 {
			return at
		}
	}
	// Not even one character fits; send one anyway so the text shrinks.
	_, size := utf8.DecodeRuneInString(text)
	return size
}

// sendTag is an HTML tag open at a cut: its name and the tag as written.
type sendTag struct{ name, tag string }

// sendOpenTags lists the HTML tags left open at the end of s, outermost first.
func sendOpenTags(s string) []sendTag {
	var open []sendTag
	for {
		start := strings.IndexByte(s, '<')
		if start < 0 {
			return open
		}
		end := strings.IndexByte(s[start:], '>')
		if end < 0 {
			return open
		}
		tag := s[start : start+end+1]
		s = s[start+end+1:]
		inner := strings.Trim(tag, "<>")
		if name, ok := strings.CutPrefix(inner, "/"); ok {
			if len(open) > 0 && strings.EqualFold(open[len(open)-1].name, name) {
				open = open[:len(open)-1]
			}
			continue
		}
		name, _, _ := strings.Cut(inner, " ")
		open = append(open, sendTag{name: strings.ToLower(name), tag: tag})
	}
}
