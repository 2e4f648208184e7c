package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"runtime"

	"github.com/gin-gonic/gin"

	"github.com/osce/accredit/badges"
	"github.com/osce/accredit/domain"
)

const (
	maxUpload      = 10 << 20 // docs/security.md, Photos: at most 10 MiB in
	multipartSlack = 64 << 10 // room for multipart headers around the file
	photoLongSide  = 1200     // enough for a 300 dpi badge photo

	// The photo rules' dimensions (README, How it works), checked from the header before decoding.
	maxPixels     = 40_000_000
	maxPhotoSide  = 10_000
	minPhotoSide  = 200
	maxPhotoRatio = 3
)

func (s *Server) putPhoto(c *gin.Context) {
	raw, err := readUpload(c, "photo")
	if err != nil {
		problem(c, err)
		return
	}
	release, err := s.decodes.acquire(c.Request.Context())
	if err != nil {
		problem(c, err)
		return
	}
	ct, data, err := reencode(raw)
	release()
	if err != nil {
		problem(c, err)
		return
	}
	n, err := s.svc.SetPhoto(c.Request.Context(), eventOf(c).Code, c.Param("id"), ct, data)
	if err != nil {
		problem(c, err)
		return
	}
	c.JSON(http.StatusOK, nominationOut(n))
}

func (s *Server) getPhoto(c *gin.Context) {
	switch c.Query("size") {
	case "":
	case "thumb":
		s.photoThumb(c)
		return
	default:
		problem(c, domain.Invalid(domain.FieldError{Field: "size", Code: "oneof", Message: "must be thumb, or absent for the photo itself"}))
		return
	}
	ct, data, err := s.svc.Photo(c.Request.Context(), eventOf(c).Code, c.Param("id"))
	if err != nil {
		problem(c, err)
		return
	}
	c.Data(http.StatusOK, ct, data)
}

// readUpload takes an image as the raw body (image/jpeg, image/png) or as
// the multipart field named field.
func readUpload(c *gin.Context, field string) ([]byte, error) {
	mt, params, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	switch mt {
	case "image/jpeg", "image/png":
		return readBody(c, maxUpload)
	case "multipart/form-data":
		body := http.MaxBytesReader(c.Writer, c.Request.Body, maxUpload+multipartSlack)
		mr := multipartReader(body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				return nil, domain.Invalid(domain.FieldError{Field: field, Code: "required", Message: "the multipart body has no field " + field})
			}
			if err != nil {
				return nil, uploadError(err)
			}
			if part.FormName() != field {
				continue
			}
			b, err := io.ReadAll(io.LimitReader(part, maxUpload+1))
			if err != nil {
				return nil, uploadError(err)
			}
			if len(b) > maxUpload {
				return nil, domain.Errorf(domain.CodeTooLarge, "the photo is larger than 10 MiB")
			}
			return b, nil
		}
	}
	return nil, domain.Errorf(domain.CodeUnsupportedMediaType, "send the photo as image/jpeg, image/png or multipart/form-data with field %q", field)
}

func uploadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return domain.Errorf(domain.CodeTooLarge, "the upload is larger than 10 MiB")
	}
	return domain.Errorf(domain.CodeMalformedBody, "the multipart body could not be read: %v", err)
}

// reencode checks that data is a real JPEG or PNG of sane size and writes
// it anew: metadata (EXIF location, camera serials) does not survive, and
// large photos are scaled down to what a badge needs (docs/security.md, Photos). Its
// dimensions are judged from the header, before any pixel is decoded,
// and so is what decoding would cost (decodeCost), so that one upload
// takes bounded memory whatever the file.
func reencode(data []byte) (string, []byte, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "jpeg" && format != "png") {
		return "", nil, badPhoto("invalid_image", "is not a JPEG or PNG image")
	}
	if err := checkSize(cfg.Width, cfg.Height); err != nil {
		return "", nil, err
	}
	if cost, what := decodeCost(data, format, cfg.Width, cfg.Height); cost > maxDecodeBytes {
		return "", nil, badPhoto("too_costly", fmt.Sprintf(
			"is a %s of %d×%d pixels, which takes %d MiB to read: save it as a baseline JPEG or an 8-bit PNG, or smaller",
			what, cfg.Width, cfg.Height, cost>>20))
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return "", nil, badPhoto("invalid_image", "could not be decoded: "+err.Error())
	}
	if w, h := fit(cfg.Width, cfg.Height, photoLongSide); w != cfg.Width || h != cfg.Height {
		img = badges.Shrink(img, img.Bounds(), w, h)
	}
	var out bytes.Buffer
	if format == "png" {
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&out, img)
		return "image/png", out.Bytes(), err
	}
	err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 88})
	return "image/jpeg", out.Bytes(), err
}

func badPhoto(code, msg string) error {
	return domain.Invalid(domain.FieldError{Field: "photo", Code: code, Message: msg})
}

// checkSize applies the photo rules (README, How it works) on a photo's dimensions.
func checkSize(w, h int) error {
	long, short := max(w, h), min(w, h)
	switch {
	case short < minPhotoSide:
		return badPhoto("too_small", fmt.Sprintf("is %d×%d pixels: each side must be at least %d", w, h, minPhotoSide))
	case long > maxPhotoSide:
		return badPhoto("too_large", fmt.Sprintf("is %d×%d pixels: no side may be over %d", w, h, maxPhotoSide))
	case w*h > maxPixels:
		return badPhoto("too_many_pixels", fmt.Sprintf("is %d×%d pixels: at most %d megapixels", w, h, maxPixels/1_000_000))
	case long > maxPhotoRatio*short:
		return badPhoto("aspect_ratio", fmt.Sprintf("is %d×%d pixels: the long side may be at most %d times the short one", w, h, maxPhotoRatio))
	}
	return nil
}

// fit scales w×h down, keeping its proportions, so that the long side is
// at most long.
func fit(w, h, long int) (int, int) {
	if w <= long && h <= long {
		return w, h
	}
	if w >= h {
		return long, max(1, h*long/w)
	}
	return max(1, w*long/h), long
}

// decodeSem lets at most as many photos be decoded at once as the process
// has cores (docs/security.md, Photos): each may take hundreds of MiB, and more at once
// would only share the same cores. Others wait their turn, or until their
// request is gone.
type decodeSem chan struct{}

func newDecodeSem() decodeSem { return make(decodeSem, runtime.GOMAXPROCS(0)) }

func (s decodeSem) acquire(ctx context.Context) (release func(), err error) {
	select {
	case s <- struct{}{}:
		return func() { <-s }, nil
	case <-ctx.Done():
		return nil, domain.Errorf(domain.CodeUnavailable, "the request ended while it waited to decode its photo")
	}
}

func multipartReader(r io.Reader, boundary string) *multipart.Reader {
	return multipart.NewReader(r, boundary)
}

func limitReader(r io.Reader, n int64) io.Reader { return io.LimitReader(r, n) }
