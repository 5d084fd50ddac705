package bot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	tgbot "github.com/go-telegram/bot"
	"golang.org/x/text/unicode/norm"
)

// Received files live under DataDir/files/<unit>/<period>/<receipt>-<name>.
// A download is written to DataDir/files/.incoming first and renamed into
// place inside the transaction that records it, so a row never lacks its
// file; a file without a row (a crash between rename and commit, or an
// older database restored) is moved to quarantine at start-up, never
// deleted (quarantine.go).
const (
	filesDir    = "files"
	incomingDir = ".incoming"

	// publicAPIFileLimit is what the public Bot API lets a bot download.
	publicAPIFileLimit = 20 << 20
	// defaultDownloadStall gives up a download that stopped sending.
	defaultDownloadStall = 60 * time.Second
	// defaultDownloadTimeout gives up a download that trickles too slowly.
	defaultDownloadTimeout = 15 * time.Minute
	// downloadAttempts is how often a failed download is tried in all.
	downloadAttempts = 3
)

// maxFileSize is the largest file a member may submit.
func (b *Bot) maxFileSize() int64 {
	if b.cfg.MaxFileSize > 0 {
		return b.cfg.MaxFileSize
	}
	return publicAPIFileLimit
}

// fileProblem is why a file is refused; each has its own words for the user
// (the text key "file.<code>").
type fileProblem struct {
	code string // too_big, type, disguised, empty, download, storage
	name string // the file as the user named it
	err  error  // the cause, for the log; never shown
}

func (p *fileProblem) Error() string {
	if p.err != nil {
		return fmt.Sprintf("file %q: %s: %v", p.name, p.code, p.err)
	}
	return fmt.Sprintf("file %q: %s", p.name, p.code)
}

func (p *fileProblem) Unwrap() error { return p.err }

// contentCheck tells whether a file's first bytes fit its type.
type contentCheck func(head []byte) bool

func hasPrefix(magic string) contentCheck {
	return func(head []byte) bool { return bytes.HasPrefix(head, []byte(magic)) }
}

var (
	isPDF  contentCheck = func(head []byte) bool { return bytes.Contains(head, []byte("%PDF-")) } // some writers put bytes before the header
	isZip               = hasPrefix("PK\x03\x04")                                                 // also docx, xlsx, odt, ods
	isOLE2              = hasPrefix("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")                           // doc, xls
	isRar               = hasPrefix("Rar!\x1A\x07")
	is7z                = hasPrefix("7z\xBC\xAF\x27\x1C")
	isJPEG              = hasPrefix("\xFF\xD8\xFF")
	isPNG               = hasPrefix("\x89PNG\r\n\x1A\n")
	isExe               = hasPrefix("MZ")
	// People rename .docx to .doc and back; either Office container is fine.
	isOffice contentCheck = func(head []byte) bool { return isOLE2(head) || isZip(head) }
	isImage  contentCheck = func(head []byte) bool { return isJPEG(head) || isPNG(head) }
)

// acceptedTypes maps each extension a report may have to its content check.
var acceptedTypes = map[string]contentCheck{
	".pdf": isPDF,
	".doc": isOffice, ".docx": isOffice, ".xls": isOffice, ".xlsx": isOffice,
	".odt": isZip, ".ods": isZip,
	".zip": isZip, ".rar": isRar, ".7z": is7z,
	".jpg": isImage, ".jpeg": isImage, ".png": isImage,
}

// sniffLen is how many leading bytes the content check sees.
const sniffLen = 1024

// checkName refuses, before anything is downloaded, a file whose name says
// it is of a type reports never are.
func checkName(f File) *fileProblem {
	if f.Photo {
		return nil
	}
	if _, ok := acceptedTypes[strings.ToLower(filepath.Ext(f.Name))]; !ok {
		return &fileProblem{code: "type", name: f.Name}
	}
	return nil
}

// checkContent compares a downloaded file's first bytes with its name.
func checkContent(f File, head []byte) *fileProblem {
	if len(head) == 0 {
		return &fileProblem{code: "empty", name: f.displayName()}
	}
	check := isImage
	if !f.Photo {
		check = acceptedTypes[strings.ToLower(filepath.Ext(f.Name))]
	}
	if check == nil || !check(head) || isExe(head) {
		return &fileProblem{code: "disguised", name: f.displayName()}
	}
	return nil
}

// displayName is how a file is named to people: its own name, or one made
// up for a photo, which has none.
func (f File) displayName() string {
	if f.Name != "" {
		return f.Name
	}
	if f.Photo {
		return "anh-" + safeName(f.UniqueID) + ".jpg"
	}
	return "tep"
}

// windowsReserved are names Windows cannot open, whatever the extension:
// the Office may copy the files folder to a Windows share.
var windowsReserved = map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true}

// maxNameBytes keeps a stored name (with its receipt prefix) well within the
// 255 bytes most file systems allow; Vietnamese letters take 2–3 bytes each.
const maxNameBytes = 150

// safeName turns a name a user chose into one safe to store: letters of any
// script (Vietnamese included) are kept; path separators, control and
// Windows-reserved characters, leading dots and reserved device names are
// not, so the result is always one plain file name inside its folder.
func safeName(name string) string {
	name = norm.NFC.String(name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var sb strings.Builder
	for _, r := range name {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Cf, r), strings.ContainsRune(`<>:"|?*`, r):
			sb.WriteRune('_')
		default:
			sb.WriteRune(r)
		}
	}
	// Leading dots hide a file; Windows drops trailing dots and spaces. Any
	// Unicode space counts, or sanitising twice would change the name again.
	// Normalise after the broken bytes are replaced: norm leaves a sequence
	// that starts with an invalid byte alone, so "\xf7\u0387" would become
	// NFC only on a second pass.
	name = strings.TrimFunc(norm.NFC.String(sb.String()), dotOrSpace)
	if base, _, _ := strings.Cut(name, "."); windowsReserved[strings.ToUpper(strings.TrimSpace(base))] {
		name = "_" + name
	}
	if len(name) > maxNameBytes {
		ext := filepath.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		stem := name[:maxNameBytes-len(ext)]
		for !utf8.ValidString(stem) { // do not cut a letter in half
			stem = stem[:len(stem)-1]
		}
		// The cut may land just after a space or dot, which Windows would
		// drop: trim again.
		name = strings.TrimRightFunc(stem+ext, dotOrSpace)
	}
	if name == "" {
		return "tep"
	}
	return name
}

func dotOrSpace(r rune) bool { return r == '.' || unicode.IsSpace(r) }

// download is a file fetched into the incoming folder, not yet stored.
type download struct {
	File
	tmp    string // absolute path in the incoming folder
	size   int64
	sha256 string
}

// discard removes the temporary file of a download that is not kept.
func (d *download) discard() {
	if d.tmp != "" {
		os.Remove(d.tmp)
		d.tmp = ""
	}
}

// fetch downloads a file with retries, backing off through the pacer. A file
// refused for what it is (type, size) is not retried; a network failure is.
func (b *Bot) fetch(ctx context.Context, f File) (*download, error) {
	var last error
	for attempt := 0; attempt < downloadAttempts; attempt++ {
		if attempt > 0 {
			if err := b.cfg.Pacer.Sleep(ctx, time.Duration(attempt)*2*time.Second); err != nil {
				return nil, err
			}
		}
		d, err := b.fetchOnce(ctx, f)
		if err == nil {
			return d, nil
		}
		var p *fileProblem
		if errors.As(err, &p) && p.code != "download" {
			return nil, err
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		last = err
		b.log.Warn("download failed", "file", f.UniqueID, "attempt", attempt+1, "err", err)
	}
	return nil, last
}

// fetchOnce does getFile and streams the file to the incoming folder while
// hashing it: the bytes are never all in memory.
func (b *Bot) fetchOnce(ctx context.Context, f File) (*download, error) {
	name := f.displayName()
	tf, err := b.tg.GetFile(ctx, &tgbot.GetFileParams{FileID: f.ID})
	if err != nil {
		if strings.Contains(err.Error(), "too big") {
			return nil, &fileProblem{code: "too_big", name: name}
		}
		return nil, &fileProblem{code: "download", name: name, err: errors.New(redact(err.Error(), b.cfg.Token))}
	}
	if tf.FileSize > b.maxFileSize() {
		return nil, &fileProblem{code: "too_big", name: name}
	}
	// A download that stops sending is cancelled after the stall time; one
	// that keeps sending may take as long as it needs.
	stall := b.cfg.DownloadStall
	if stall <= 0 {
		stall = defaultDownloadStall
	}
	limitTime := b.cfg.DownloadTimeout
	if limitTime <= 0 {
		limitTime = defaultDownloadTimeout
	}
	dctx, cancel := context.WithTimeout(ctx, limitTime)
	defer cancel()
	watchdog := time.AfterFunc(stall, cancel)
	defer watchdog.Stop()

	src, err := b.openFile(dctx, tf)
	if err != nil {
		return nil, &fileProblem{code: "download", name: name, err: err}
	}
	defer src.Close()
	return b.spool(f, src, tf.FileSize, func() { watchdog.Reset(stall) })
}

// spool streams a file's bytes to the incoming folder while hashing them
// (they are never all in memory) and checks its size and content: a file
// downloaded from Telegram, one read from a local Bot API server's disk and
// one uploaded on the desk pass the same checks. want is the size the source
// announced (0: none); a shorter or longer stream is a failed download, told
// before the content check so that it is retried, not refused.
func (b *Bot) spool(f File, body io.Reader, want int64, onRead func()) (_ *download, err error) {
	name := f.displayName()
	dir := filepath.Join(b.cfg.DataDir, filesDir, incomingDir)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, &fileProblem{code: "storage", name: name, err: err}
	}
	out, err := os.CreateTemp(dir, "dl-*")
	if err != nil {
		return nil, &fileProblem{code: "storage", name: name, err: err}
	}
	d := &download{File: f, tmp: out.Name()}
	defer func() {
		if err != nil {
			out.Close()
			d.discard()
		}
	}()
	limit := b.maxFileSize()
	h := sha256.New()
	head := &prefixWriter{max: sniffLen}
	n, err := io.Copy(io.MultiWriter(out, h, head), &progressReader{r: io.LimitReader(body, limit+1), onRead: onRead})
	if err != nil {
		if isWriteErr(err) {
			return nil, &fileProblem{code: "storage", name: name, err: err}
		}
		return nil, &fileProblem{code: "download", name: name, err: withoutURL(err, b.cfg.Token)}
	}
	if n > limit {
		return nil, &fileProblem{code: "too_big", name: name}
	}
	if want > 0 && n != want {
		return nil, &fileProblem{code: "download", name: name, err: fmt.Errorf("got %d of %d bytes", n, want)}
	}
	if p := checkContent(f, head.buf); p != nil {
		return nil, p
	}
	// Durable before the receipt that says it is stored.
	if err := out.Sync(); err != nil {
		return nil, &fileProblem{code: "storage", name: name, err: err}
	}
	if err := out.Close(); err != nil {
		return nil, &fileProblem{code: "storage", name: name, err: err}
	}
	d.size, d.sha256 = n, hex.EncodeToString(h.Sum(nil))
	return d, nil
}

// writeErr marks an error of the disk, not of the network, inside io.Copy.
type writeErr struct{ error }

func (e writeErr) Unwrap() error { return e.error }

func isWriteErr(err error) bool {
	var w writeErr
	return errors.As(err, &w)
}

// withoutURL drops the URL that net/http puts in its errors (it holds the
// token) and, to be sure, the token itself.
func withoutURL(err error, token string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return errors.New(redact(err.Error(), token))
}

// prefixWriter keeps the first max bytes written, for the content check.
type prefixWriter struct {
	buf []byte
	max int
}

func (w *prefixWriter) Write(p []byte) (int, error) {
	if room := w.max - len(w.buf); room > 0 {
		w.buf = append(w.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// progressReader calls onRead whenever bytes arrive, to feed the stall watchdog.
type progressReader struct {
	r      io.Reader
	onRead func()
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.onRead()
	}
	return n, err
}

// WriteTo keeps io.Copy from bypassing Read, and marks disk errors so they
// are told apart from network ones.
func (p *progressReader) WriteTo(w io.Writer) (int64, error) {
	buf := make([]byte, 64<<10)
	var total int64
	for {
		n, rerr := p.Read(buf)
		if n > 0 {
			if _, err := w.Write(buf[:n]); err != nil {
				return total, writeErr{err}
			}
			total += int64(n)
		}
		if rerr == io.EOF {
			return total, nil
		}
		if rerr != nil {
			return total, rerr
		}
	}
}

// storedPath is where a submission's file goes, relative to DataDir.
func storedPath(unitCode, periodKey string, year, receiptNo, index int, name string) string {
	prefix := fmt.Sprintf("%d-%04d", year, receiptNo)
	if index > 0 {
		prefix += fmt.Sprintf("-%d", index) // an album's files share a receipt
	}
	return path.Join(filesDir, safeName(unitCode), safeName(periodKey), prefix+"-"+safeName(name))
}

// placeFile moves a download into place at rel (relative to DataDir). It
// never replaces an existing file, and syncs the folder so the rename
// survives a power cut.
func (b *Bot) placeFile(d *download, rel string) error {
	dest := filepath.Join(b.cfg.DataDir, filepath.FromSlash(rel))
	if !strings.HasPrefix(dest, filepath.Join(b.cfg.DataDir, filesDir)+string(filepath.Separator)) {
		return fmt.Errorf("stored path %q leaves the files folder", rel)
	}
	dir := filepath.Dir(dest)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("stored file %s exists already", rel)
	}
	if err := os.Rename(d.tmp, dest); err != nil {
		return err
	}
	d.tmp = ""
	if df, err := os.Open(dir); err == nil {
		df.Sync()
		df.Close()
	}
	return nil
}

// humanSize writes a size the way people read it: "1,2 MB" in Vietnamese.
func humanSize(n int64, lang string) string {
	var s string
	switch {
	case n >= 1<<20:
		s = fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		s = fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	default:
		s = fmt.Sprintf("%d B", n)
	}
	if lang == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
