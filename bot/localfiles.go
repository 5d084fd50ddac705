package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-telegram/bot/models"
)

// A local Bot API server (telegram-bot-api --local) lets a bot receive files
// up to 2 GB, but its getFile answers with a path on the server's own disk
// instead of a download link. reportbot reads that path: as is when the
// server runs on the same machine, or under Config.LocalFiles when the
// server's working directory is mounted elsewhere here (a container's
// volume). The bytes stream to storage like a download, so memory stays flat
// whatever the size.

// defaultLocalServerDir is the working directory telegram-bot-api uses
// unless started with --dir.
const defaultLocalServerDir = "/var/lib/telegram-bot-api"

// openFile opens a file's bytes: over HTTP from the Bot API, or from disk
// when a local server named a path there. Errors never carry the token,
// which both the download link and the server's paths may hold.
func (b *Bot) openFile(ctx context.Context, tf *models.File) (io.ReadCloser, error) {
	if filepath.IsAbs(tf.FilePath) {
		return b.openLocal(ctx, tf.FilePath)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.tg.FileDownloadLink(tf), nil)
	if err != nil {
		return nil, errors.New("bad download link")
	}
	resp, err := b.http.Do(req)
	if err != nil {
		return nil, withoutURL(err, b.cfg.Token)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	return resp.Body, nil
}

// openLocal opens a path a local Bot API server named, mapped to where its
// working directory is mounted here.
func (b *Bot) openLocal(ctx context.Context, serverPath string) (io.ReadCloser, error) {
	p := filepath.Clean(serverPath)
	if mount := b.cfg.LocalFiles; mount != "" {
		serverDir := b.cfg.LocalServerDir
		if serverDir == "" {
			serverDir = defaultLocalServerDir
		}
		rel, err := filepath.Rel(filepath.Clean(serverDir), p)
		if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
			return nil, errors.New("the local Bot API server named a file outside its working directory (check --local-server-dir)")
		}
		p = filepath.Join(mount, rel)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, errors.New(redact(err.Error(), b.cfg.Token))
	}
	return &ctxFile{ctx: ctx, f: f}, nil
}

// ctxFile stops reading once ctx ends, as an HTTP body does: a stop or the
// download's time limit must end a copy of 2 GB from disk too.
type ctxFile struct {
	ctx context.Context
	f   *os.File
}

func (c *ctxFile) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.f.Read(p)
}

func (c *ctxFile) Close() error { return c.f.Close() }
