package telegramtest

import (
	"context"

	"github.com/go-telegram/bot/models"
)

// setChatMenuButton is registered here, beside the other methods, so the
// desk's menu button can be tested without touching the method table.
func init() { methods["setchatmenubutton"] = setChatMenuButton }

// MenuButton is a chat's menu button as the bot set it.
type MenuButton struct {
	Type string `json:"type"` // commands, web_app or default
	Text string `json:"text"`
	URL  string // the Web App's URL for web_app
}

func setChatMenuButton(s *Server, _ context.Context, p *params) (any, error) {
	var b struct {
		Type   string            `json:"type"`
		Text   string            `json:"text"`
		WebApp models.WebAppInfo `json:"web_app"`
	}
	p.json("menu_button", &b)
	if p.err != nil {
		return nil, p.err
	}
	if b.Type == "web_app" && (b.Text == "" || b.WebApp.URL == "") {
		return nil, badRequest("Bad Request: can't parse menu button: text and web_app are required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.menuButtons == nil {
		s.st.menuButtons = map[int64]MenuButton{}
	}
	s.st.menuButtons[p.int64("chat_id")] = MenuButton{Type: b.Type, Text: b.Text, URL: b.WebApp.URL}
	s.changed.broadcast()
	return true, nil
}

// MenuButtonOf is the menu button the bot set for a chat (0: the default).
func (s *Server) MenuButtonOf(chatID int64) (MenuButton, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.st.menuButtons[chatID]
	return b, ok
}
