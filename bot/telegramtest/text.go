package telegramtest

import (
	"html"
	"strings"
)

// Telegram's limits, counted in UTF-16 code units (as Telegram counts entity
// offsets and lengths) of the text after markup is parsed: "<b>x</b>" is 1.
const (
	maxTextLen    = 4096
	maxCaptionLen = 1024
)

// utf16Len counts UTF-16 code units: runes outside the Basic Multilingual
// Plane (most emoji) count 2, which is how Telegram reaches its limits.
func utf16Len(s string) int {
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

// checkText validates a message text (caption=false) or caption and returns
// its plain form. HTML is parsed and checked the way Telegram rejects it, so a
// bot that forgets to escape a user's "<" fails in tests as it would live.
// MarkdownV2 and Markdown are not validated; their length counts the markup.
// A parse_mode Telegram does not know is refused.
func checkText(text, parseMode string, caption bool) (string, *APIError) {
	if err := checkParseMode(text, parseMode); err != nil {
		return "", err
	}
	plain := text
	if strings.EqualFold(parseMode, "HTML") {
		var err *APIError
		if plain, err = parseHTML(text); err != nil {
			return "", err
		}
	}
	switch {
	case !caption && strings.TrimSpace(plain) == "":
		return "", badRequest("message text is empty")
	case !caption && utf16Len(plain) > maxTextLen:
		return "", badRequest("message is too long")
	case caption && utf16Len(plain) > maxCaptionLen:
		return "", badRequest("message caption is too long")
	}
	return plain, nil
}

// htmlTags are the tags Telegram's HTML parse mode supports (Bot API
// "HTML style"); span only as <span class="tg-spoiler">.
var htmlTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true,
	"a": true, "tg-emoji": true, "tg-time": true, "code": true, "pre": true, "blockquote": true,
}

// parseHTML strips Telegram HTML to plain text, rejecting unknown or unbalanced tags.
func parseHTML(s string) (string, *APIError) {
	var b strings.Builder
	var open []string
	for i := 0; i < len(s); {
		c := s[i]
		if c == '&' {
			// Decode one entity; html.UnescapeString leaves unknown ones as they are.
			end := strings.IndexByte(s[i:], ';')
			if end > 0 && end < 12 {
				b.WriteString(html.UnescapeString(s[i : i+end+1]))
				i += end + 1
				continue
			}
		}
		if c != '<' {
			b.WriteByte(c)
			i++
			continue
		}
		end := strings.IndexByte(s[i:], '>')
		if end < 0 {
			return "", badRequest("can't parse entities: Can't find end of the tag starting at byte offset %d", i)
		}
		tag := s[i+1 : i+end]
		closing := strings.HasPrefix(tag, "/")
		name, _, _ := strings.Cut(strings.TrimPrefix(tag, "/"), " ")
		name = strings.ToLower(name)
		if !htmlTags[name] || (name == "span" && !closing && !strings.Contains(tag, `class="tg-spoiler"`)) {
			return "", badRequest("can't parse entities: Unsupported start tag \"%s\" at byte offset %d", name, i)
		}
		if closing {
			if len(open) == 0 || open[len(open)-1] != name {
				return "", badRequest("can't parse entities: Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, last(open), name)
			}
			open = open[:len(open)-1]
		} else {
			open = append(open, name)
		}
		i += end + 1
	}
	if len(open) > 0 {
		return "", badRequest("can't parse entities: Can't find end tag corresponding to start tag \"%s\"", last(open))
	}
	return b.String(), nil
}

func last(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	return ss[len(ss)-1]
}
