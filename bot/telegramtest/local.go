package telegramtest

import (
	"fmt"
	"os"
	"path"
	"path/filepath"

	"github.com/go-telegram/bot/models"
)

// maxLocalFile is what telegram-bot-api --local lets a bot receive.
const maxLocalFile = 2000 << 20

// SetLocalMode makes the server behave as telegram-bot-api run with --local
// and --dir dir: getFile answers with an absolute path under dir, where the
// file lies, instead of a path to download, and files up to 2000 MB are
// allowed. Files injected with bytes are written there on their first
// getFile; InjectLocalDocument registers a file already on disk. An empty
// dir turns local mode off.
func (s *Server) SetLocalMode(dir string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.localDir = dir
}

// localFileLocked answers getFile in --local mode.
func (s *Server) localFileLocked(f *storedFile) (any, error) {
	if f.file.FileSize > maxLocalFile {
		return nil, badRequest("file is too big")
	}
	if f.localPath == "" {
		// The real server keeps a bot's files in a folder named after its token.
		p := filepath.Join(s.localDir, s.token, "documents", path.Base(f.file.FilePath))
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			return nil, fmt.Errorf("local mode: %w", err)
		}
		if err := os.WriteFile(p, f.data, 0o640); err != nil {
			return nil, fmt.Errorf("local mode: %w", err)
		}
		f.localPath = p
	}
	file := f.file
	file.FilePath = f.localPath
	return &file, nil
}

// InjectLocalDocument queues a document message whose file already lies on
// the server's disk at localPath (in --local mode), such as a large sparse
// file a test made: its bytes are never read into memory.
func (s *Server) InjectLocalDocument(chat models.Chat, from models.User, name, localPath string, opts ...MessageOption) (models.Update, error) {
	fi, err := os.Stat(localPath)
	if err != nil {
		return models.Update{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.incomingLocked(chat, from, opts, func(m *models.Message) {
		f := s.storeFileLocked(false, name, "", nil)
		f.localPath, f.file.FileSize = localPath, fi.Size()
		m.Document = f.document()
	})
	return s.enqueueLocked(models.Update{Message: m}), nil
}
