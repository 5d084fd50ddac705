package telegramtest

import (
	"bytes"
	"encoding/json"
	"image"
	_ "image/jpeg" // photos the bot may upload
	_ "image/png"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

// The refusals in this file follow the official Bot API server
// (tdlib/telegram-bot-api, Client.cpp) and the Bot API reference, word for
// word where Telegram's answer is known, so a bot tested here meets the
// same answers in production.

// Telegram's upload limits for bots using the public Bot API.
const (
	maxPhotoBytes    = 10 << 20
	maxUploadBytes   = 50 << 20
	maxPhotoSides    = 10000 // width + height
	maxPhotoRatio    = 20    // longer side / shorter side
	maxCallbackAlert = 200   // answerCallbackQuery text, in characters
)

var (
	errInlineRows = badRequest(`field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays`)
	errTextButton = badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
	errTooLarge   = &APIError{Code: http.StatusRequestEntityTooLarge, Description: "Request Entity Too Large"}
)

// buttonKinds are the fields that give an inline button something to do;
// a button with none of them is a plain-text button, which only reply
// keyboards may have.
var buttonKinds = []string{
	"url", "callback_data", "web_app", "login_url", "switch_inline_query",
	"switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
	"copy_text", "callback_game", "pay",
}

// checkInlineKeyboard validates reply_markup's inline_keyboard the way the
// Bot API server parses it: every row an array (null is not), every button
// an object with something to do and callback data of at most 64 bytes.
func checkInlineKeyboard(raw string) *APIError {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &obj); err != nil {
		return badRequest("can't parse reply keyboard markup JSON object")
	}
	kb, ok := obj["inline_keyboard"]
	if !ok {
		return nil
	}
	var rows []json.RawMessage
	if err := json.Unmarshal(kb, &rows); err != nil || isNull(kb) {
		return errInlineRows
	}
	for _, row := range rows {
		var buttons []map[string]json.RawMessage
		if isNull(row) || json.Unmarshal(row, &buttons) != nil {
			return errInlineRows
		}
		for _, b := range buttons {
			if err := checkInlineButton(b); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkInlineButton(b map[string]json.RawMessage) *APIError {
	raw, ok := b["text"]
	var text string
	switch {
	case !ok:
		return badRequest(`can't parse inline keyboard button: Can't find field "text"`)
	case json.Unmarshal(raw, &text) != nil:
		return badRequest(`can't parse inline keyboard button: Field "text" must be of type String`)
	}
	for _, kind := range buttonKinds {
		if _, ok := b[kind]; ok {
			var data string
			if kind == "callback_data" && (json.Unmarshal(b[kind], &data) != nil || data == "" || len(data) > 64) {
				return badRequest("BUTTON_DATA_INVALID")
			}
			return nil
		}
	}
	return errTextButton
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// checkPhoto applies sendPhoto's limits to an uploaded image: at most
// 10 MB, width + height at most 10,000 and sides in a ratio of at most 20.
func checkPhoto(data []byte) *APIError {
	if len(data) > maxPhotoBytes {
		return badRequest("PHOTO_SAVE_FILE_INVALID")
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return badRequest("IMAGE_PROCESS_FAILED")
	}
	long, short := max(cfg.Width, cfg.Height), min(cfg.Width, cfg.Height)
	if cfg.Width+cfg.Height > maxPhotoSides || long > maxPhotoRatio*short {
		return badRequest("PHOTO_INVALID_DIMENSIONS")
	}
	return nil
}

// checkUpload applies the upload limits to a file part of a send: 50 MB for
// any file, and sendPhoto's own limits to a photo.
func checkUpload(p *params, field string) *APIError {
	up, _ := p.file(field)
	switch {
	case up == nil:
		return nil
	case len(up.data) > maxUploadBytes:
		return errTooLarge
	case field == "photo":
		return checkPhoto(up.data)
	}
	return nil
}

// callbackTimeout is how long Telegram waits for answerCallbackQuery.
const callbackTimeout = 15 * time.Second

// checkParseMode refuses a parse_mode Telegram does not know; it is only
// looked at when there is text to parse, as in Telegram.
func checkParseMode(text, mode string) *APIError {
	switch strings.ToLower(mode) {
	case "", "none", "markdown", "markdownv2", "html":
		return nil
	}
	if text == "" {
		return nil
	}
	return badRequest("unsupported parse_mode")
}

// chatActions are the actions sendChatAction accepts.
var chatActions = map[string]bool{
	"typing": true, "upload_photo": true, "record_video": true, "upload_video": true,
	"record_voice": true, "upload_voice": true, "upload_document": true, "choose_sticker": true,
	"find_location": true, "record_video_note": true, "upload_video_note": true,
}

// botCommandName is what a command may be: 1-32 of a-z, 0-9 and _.
var botCommandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// checkCommands applies setMyCommands' limits with TDLib's answers
// (td/telegram/BotCommand.cpp) and Telegram's own for the rest.
func checkCommands(cmds []models.BotCommand, lang string) *APIError {
	if lang != "" && !(len(lang) == 2 && lang[0] >= 'a' && lang[0] <= 'z' && lang[1] >= 'a' && lang[1] <= 'z') {
		return badRequest("invalid language code specified")
	}
	if len(cmds) > 100 {
		return badRequest("BOT_COMMANDS_TOO_MUCH")
	}
	for _, c := range cmds {
		name := strings.TrimPrefix(strings.TrimSpace(c.Command), "/")
		desc := []rune(strings.TrimSpace(c.Description))
		switch {
		case name == "":
			return badRequest("command must be non-empty")
		case len([]rune(name)) > 32:
			return badRequest("command length must not exceed 32")
		case len(desc) == 0:
			return badRequest("command description must be non-empty")
		case len(desc) > 256:
			return badRequest("command description length must not exceed 256")
		case !botCommandName.MatchString(name):
			return badRequest("BOT_COMMAND_INVALID")
		}
	}
	return nil
}

// chatRefusalLocked is the answer Telegram gives a bot writing to c, if it
// refuses: a migrated group, a chat the bot was removed from, a user who
// blocked the bot or never started it.
func (s *Server) chatRefusalLocked(c *chatState) *APIError {
	switch {
	case c.migratedTo != 0:
		e := badRequest("group chat was upgraded to a supergroup chat")
		e.MigrateToChatID = c.migratedTo
		return e
	case c.kicked && c.chat.Type == models.ChatTypeSupergroup:
		return forbidden("bot was kicked from the supergroup chat")
	case c.kicked:
		return forbidden("bot was kicked from the group chat")
	case c.blocked:
		return forbidden("bot was blocked by the user")
	case c.chat.Type == models.ChatTypePrivate && !c.started:
		return forbidden("bot can't initiate conversation with a user")
	}
	return nil
}

// threadRefusalLocked checks message_thread_id: in a forum it must name a
// live topic other than General, a private chat has no topics, and other
// groups ignore it.
func threadRefusalLocked(c *chatState, threadID int) *APIError {
	if threadID == 0 {
		return nil
	}
	switch {
	case c.chat.Type == models.ChatTypePrivate:
		return errThreadNotFound
	case c.chat.IsForum && (threadID == generalTopic || !c.topics[threadID]):
		return errThreadNotFound
	}
	return nil
}

var errThreadNotFound = badRequest("message thread not found")

// generalTopic is the id of a forum's General topic, which bots address
// without message_thread_id.
const generalTopic = 1

func forbidden(what string) *APIError {
	return &APIError{Code: http.StatusForbidden, Description: "Forbidden: " + what}
}
