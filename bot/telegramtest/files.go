package telegramtest

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"
)

// maxDownload is Telegram's getFile limit for bots.
const maxDownload = 20 << 20

// storedFile is a file the server can hand out by file_id and serve by file_path.
type storedFile struct {
	file models.File
	name string
	mime string
	data []byte
	// localPath is where the file lies on the server's disk in --local mode.
	localPath string
	// sizes is the set of photo sizes this file is the largest of, so a photo
	// re-sent by file_id shows the same sizes.
	sizes []models.PhotoSize
}

func (f *storedFile) document() *models.Document {
	return &models.Document{
		FileID: f.file.FileID, FileUniqueID: f.file.FileUniqueID,
		FileName: f.name, MimeType: f.mime, FileSize: f.file.FileSize,
	}
}

func (f *storedFile) sent() *SentFile {
	return &SentFile{FileID: f.file.FileID, Name: f.name, MIMEType: f.mime, Data: f.data}
}

// storeFileLocked registers data under a fresh file_id and file_path. The id
// prefixes mimic Telegram's (BQAC documents, AgAC photos) for readable logs.
func (s *Server) storeFileLocked(photo bool, name, mimeType string, data []byte) *storedFile {
	s.st.nextFile++
	n := s.st.nextFile
	prefix, dir := "BQAC", "documents"
	if photo {
		prefix, dir = "AgAC", "photos"
	}
	ext := path.Ext(name)
	if ext == "" && photo {
		ext = ".jpg"
	}
	if mimeType == "" || mimeType == "application/octet-stream" {
		if byExt := mime.TypeByExtension(ext); byExt != "" {
			mimeType, _, _ = strings.Cut(byExt, ";")
		}
	}
	f := &storedFile{
		file: models.File{
			FileID:       fmt.Sprintf("%s-%06d", prefix, n),
			FileUniqueID: fmt.Sprintf("AQAD-%06d", n),
			FileSize:     int64(len(data)),
			FilePath:     fmt.Sprintf("%s/file_%d%s", dir, n, ext),
		},
		name: name,
		mime: mimeType,
		data: data,
	}
	s.st.files[f.file.FileID] = f
	s.st.filePaths[f.file.FilePath] = f
	return f
}

// inputFileLocked resolves an InputFile field of a send: a fresh upload is
// stored; a string must be a file_id the server knows or an http(s) URL.
func (s *Server) inputFileLocked(p *params, field string) (*storedFile, *APIError) {
	up, ref := p.file(field)
	photo := field == "photo"
	switch {
	case up != nil:
		return s.storeFileLocked(photo, up.name, up.contentType, up.data), nil
	case ref == "":
		return nil, badRequest("there is no %s in the request", field)
	case strings.HasPrefix(ref, "http://") || strings.HasPrefix(ref, "https://"):
		return s.storeFileLocked(photo, path.Base(ref), "", nil), nil
	}
	if f, ok := s.st.files[ref]; ok {
		return f, nil
	}
	return nil, badRequest("wrong file identifier/HTTP URL specified")
}

// photoSizesLocked returns the sizes a photo message shows for f. A new
// photo gets two smaller sizes besides itself; all share f's bytes because
// the server does not decode images, and the dimensions are nominal.
func (s *Server) photoSizesLocked(f *storedFile) []models.PhotoSize {
	if f.sizes != nil {
		return f.sizes
	}
	size := func(g *storedFile, side int) models.PhotoSize {
		return models.PhotoSize{
			FileID: g.file.FileID, FileUniqueID: g.file.FileUniqueID,
			Width: side, Height: side, FileSize: int(g.file.FileSize),
		}
	}
	for _, side := range []int{90, 320} {
		thumb := s.storeFileLocked(true, f.name, f.mime, f.data)
		f.sizes = append(f.sizes, size(thumb, side))
	}
	f.sizes = append(f.sizes, size(f, 1280))
	return f.sizes
}

// messageFileLocked is the file a stored message carries, if any.
func (s *Server) messageFileLocked(m *models.Message) *SentFile {
	id := ""
	switch {
	case m.Document != nil:
		id = m.Document.FileID
	case len(m.Photo) > 0:
		id = m.Photo[len(m.Photo)-1].FileID
	}
	if f, ok := s.st.files[id]; ok {
		return f.sent()
	}
	return nil
}

func getFile(s *Server, _ context.Context, p *params) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.st.files[p.str("file_id")]
	if !ok {
		return nil, badRequest("invalid file_id")
	}
	if s.localDir != "" {
		return s.localFileLocked(f)
	}
	if f.file.FileSize > maxDownload {
		return nil, badRequest("file is too big")
	}
	file := f.file
	return &file, nil
}

// serveFile answers GET /file/bot{token}/{file_path}, applying download faults.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, filePath string) {
	s.mu.Lock()
	f, ok := s.st.filePaths[filePath]
	fault, faulty := s.takeDownloadFaultLocked()
	s.mu.Unlock()
	if !ok {
		writeError(w, errNotFound)
		return
	}
	if faulty && fault.Status != 0 {
		writeError(w, statusError(fault.Status))
		return
	}
	body := f.data
	w.Header().Set("Content-Type", "application/octet-stream")
	// The full length is announced even when the body is cut short, so the
	// client sees an unexpected EOF as with a dropped download.
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if faulty && fault.TruncateAfter > 0 && fault.TruncateAfter < len(body) {
		body = body[:fault.TruncateAfter]
	}
	if !faulty || fault.ChunkSize <= 0 {
		_, _ = w.Write(body)
		return
	}
	s.writeSlowly(r.Context(), w, body, fault)
}

// writeSlowly serves body in chunks with a pause between them, for tests of
// download timeouts; it stops when the client or the server goes away.
func (s *Server) writeSlowly(ctx context.Context, w http.ResponseWriter, body []byte, f DownloadFault) {
	flusher, _ := w.(http.Flusher)
	for len(body) > 0 {
		n := min(f.ChunkSize, len(body))
		if _, err := w.Write(body[:n]); err != nil {
			return
		}
		body = body[n:]
		if flusher != nil {
			flusher.Flush()
		}
		if len(body) > 0 && !s.pause(ctx, f.ChunkDelay) {
			return
		}
	}
}
