package kubo

import (
	"io"
	"mime/multipart"
)

// fileBody is a streaming multipart/form-data body with one file part,
// the form kubo's commands read file arguments from.
type fileBody struct {
	r           io.Reader
	contentType string
}

// newFileBody streams src as the file part named "file".
func newFileBody(name string, src io.Reader) *fileBody {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile("file", name)
		if err == nil {
			_, err = io.Copy(part, src)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	return &fileBody{r: pr, contentType: mw.FormDataContentType()}
}
