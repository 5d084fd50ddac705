package telegramtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// APIError is a Telegram-shaped error answer. The server writes it as
// {"ok":false,"error_code":Code,"description":...,"parameters":{...}} with
// HTTP status Code, as Telegram does.
type APIError struct {
	Code            int
	Description     string
	RetryAfter      int   // parameters.retry_after, seconds
	MigrateToChatID int64 // parameters.migrate_to_chat_id
}

// Error formats the error as "telegram CODE: description".
func (e *APIError) Error() string {
	return fmt.Sprintf("telegram %d: %s", e.Code, e.Description)
}

var (
	errUnauthorized = &APIError{Code: http.StatusUnauthorized, Description: "Unauthorized"}
	errNotFound     = &APIError{Code: http.StatusNotFound, Description: "Not Found"}
)

func badRequest(format string, args ...any) *APIError {
	return &APIError{Code: http.StatusBadRequest, Description: "Bad Request: " + fmt.Sprintf(format, args...)}
}

// statusError builds the error a fault answers with for an HTTP status.
func statusError(code int) *APIError {
	text := http.StatusText(code)
	if text == "" {
		text = "Error"
	}
	return &APIError{Code: code, Description: text}
}

// maxBody bounds a request body; Telegram's own upload limit is 50 MB.
const maxBody = 64 << 20

// upload is a file part of a multipart request.
type upload struct {
	name        string
	contentType string
	data        []byte
}

// params is a request's parameters whatever the body encoding: plain values as
// strings (structs and slices stay JSON text, as the multipart form carries
// them) and uploaded files by field name. Accessors record the first bad value
// in err so a handler checks once instead of after every field.
type params struct {
	values map[string]string
	files  map[string]upload
	err    error
}

// parseParams reads multipart/form-data (what go-telegram/bot always sends),
// application/json and application/x-www-form-urlencoded bodies, plus the URL query.
func parseParams(w http.ResponseWriter, r *http.Request) (*params, error) {
	p := &params{values: map[string]string{}}
	for k, v := range r.URL.Query() {
		p.values[k] = v[0]
	}
	if r.Method != http.MethodPost && r.Method != http.MethodPut {
		return p, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		return p, p.readMultipart(r)
	case "application/json":
		return p, p.readJSON(r.Body)
	default:
		if err := r.ParseForm(); err != nil {
			return nil, fmt.Errorf("read form: %w", err)
		}
		for k, v := range r.PostForm {
			p.values[k] = v[0]
		}
		return p, nil
	}
}

func (p *params) readMultipart(r *http.Request) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return fmt.Errorf("read multipart: %w", err)
	}
	for {
		part, err := mr.NextPart()
		// A method without parameters arrives from go-telegram/bot as an
		// empty body with a multipart content type: no parts at all.
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read multipart: %w", err)
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return fmt.Errorf("read multipart %s: %w", part.FormName(), err)
		}
		if part.FileName() != "" {
			if p.files == nil {
				p.files = map[string]upload{}
			}
			p.files[part.FormName()] = upload{name: part.FileName(), contentType: part.Header.Get("Content-Type"), data: data}
			continue
		}
		p.values[part.FormName()] = string(data)
	}
}

// readJSON flattens a JSON object to the multipart shape: strings unquoted,
// everything else kept as JSON text.
func (p *params) readJSON(body io.Reader) error {
	var obj map[string]json.RawMessage
	if err := json.NewDecoder(body).Decode(&obj); err != nil {
		return fmt.Errorf("read json: %w", err)
	}
	for k, raw := range obj {
		var s string
		if len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
			p.values[k] = s
			continue
		}
		p.values[k] = string(raw)
	}
	return nil
}

func (p *params) str(key string) string { return p.values[key] }

func (p *params) has(key string) bool {
	_, ok := p.values[key]
	return ok
}

func (p *params) int64(key string) int64 {
	v := p.values[key]
	if v == "" || p.err != nil {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		p.err = badRequest("invalid %s", key)
	}
	return n
}

func (p *params) int(key string) int { return int(p.int64(key)) }

func (p *params) bool(key string) bool {
	b, _ := strconv.ParseBool(p.values[key])
	return b
}

// json decodes a field that carries a JSON-encoded struct or slice.
func (p *params) json(key string, dst any) {
	v := p.values[key]
	if v == "" || p.err != nil {
		return
	}
	if err := json.Unmarshal([]byte(v), dst); err != nil {
		p.err = badRequest("can't parse %s JSON object", key)
	}
}

// file returns an InputFile field: an upload (a file part under the field's
// name or an "attach://name" reference) or a string holding a file_id or URL.
func (p *params) file(key string) (up *upload, ref string) {
	if f, ok := p.files[key]; ok {
		return &f, ""
	}
	v := p.values[key]
	if name, ok := strings.CutPrefix(v, "attach://"); ok {
		if f, ok := p.files[name]; ok {
			return &f, ""
		}
	}
	return nil, v
}

// replyTo reads reply_parameters or the older reply_to_message_id.
func (p *params) replyTo() (messageID int, allowWithout bool) {
	var rp struct {
		MessageID                int  `json:"message_id"`
		AllowSendingWithoutReply bool `json:"allow_sending_without_reply"`
	}
	p.json("reply_parameters", &rp)
	if rp.MessageID != 0 {
		return rp.MessageID, rp.AllowSendingWithoutReply
	}
	return p.int("reply_to_message_id"), p.bool("allow_sending_without_reply")
}
