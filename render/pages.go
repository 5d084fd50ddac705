package render

// A status picture goes to Telegram as a photo, and Telegram refuses a photo
// whose width and height add up to more than 10,000 pixels or whose sides
// differ more than twentyfold (PHOTO_INVALID_DIMENSIONS): a department of
// 250 units drawn as one strip is about 340 × 10,000. It also shrinks a
// photo to the phone's width, so a very wide page is unreadable. Pages
// therefore cuts a long grid into pages of at most two side-by-side blocks of
// rowsPerBlock units: every page is at most about 1,300 × 2,300 pixels, read
// at nearly full size on a phone, and 1,000 units make ten pages.
const (
	rowsPerBlock  = 50
	maxPageBlocks = 2
	// pageWidth is the width two blocks of a one-obligation grid fit in;
	// blocks of a grid with many columns go one to a page.
	pageWidth = 1280
)

// Pages splits g into pages that each make a photo Telegram accepts and a
// phone shows legibly, in row order; a short grid is one page. Every page
// keeps the title, subtitle, columns and legend; the caller numbers them.
func Pages(g Grid) ([]Grid, error) {
	if len(g.Rows) <= rowsPerBlock {
		g.Blocks = 1
		return []Grid{g}, nil
	}
	f, err := loadFaces()
	if err != nil {
		return nil, err
	}
	drawing.Lock()
	l := measure(f, g)
	drawing.Unlock()
	blocks := min(maxPageBlocks, max(1, (pageWidth-2*pad+blockGap)/(l.blockW+blockGap)))
	perPage := blocks * rowsPerBlock
	var pages []Grid
	for start := 0; start < len(g.Rows); start += perPage {
		p := g
		p.Rows = g.Rows[start:min(start+perPage, len(g.Rows))]
		p.Blocks = (len(p.Rows) + rowsPerBlock - 1) / rowsPerBlock
		pages = append(pages, p)
	}
	return pages, nil
}
