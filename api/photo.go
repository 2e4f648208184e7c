package api

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/gin-gonic/gin"
	"golang.org/x/image/draw"

	"github.com/osce/accredit/domain"
)

const (
	maxUpload      = 10 << 20   // SPEC §8: at most 10 MiB in
	maxPixels      = 40_000_000 // checked from the header, before decoding
	photoLongSide  = 1200       // enough for a 300 dpi badge photo
	multipartSlack = 64 << 10   // room for multipart headers around the file
)

func (s *Server) putPhoto(c *gin.Context) {
	raw, err := readUpload(c, "photo")
	if err != nil {
		problem(c, err)
		return
	}
	ct, data, err := reencode(raw)
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
	c.Header("Cache-Control", "private, max-age=300")
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
// large photos are scaled down to what a badge needs.
func reencode(data []byte) (string, []byte, error) {
	bad := func(msg string) error {
		return domain.Invalid(domain.FieldError{Field: "photo", Code: "invalid_image", Message: msg})
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "jpeg" && format != "png") {
		return "", nil, bad("is not a JPEG or PNG image")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels {
		return "", nil, bad("must be at most 40 megapixels")
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return "", nil, bad("could not be decoded: " + err.Error())
	}
	img = shrink(img, photoLongSide)
	var out bytes.Buffer
	if format == "png" {
		err = png.Encode(&out, img)
		return "image/png", out.Bytes(), err
	}
	err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 88})
	return "image/jpeg", out.Bytes(), err
}

func shrink(img image.Image, long int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= long && h <= long {
		return img
	}
	if w >= h {
		w, h = long, h*long/w
	} else {
		w, h = w*long/h, long
	}
	dst := image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

func multipartReader(r io.Reader, boundary string) *multipart.Reader {
	return multipart.NewReader(r, boundary)
}

func limitReader(r io.Reader, n int64) io.Reader { return io.LimitReader(r, n) }
