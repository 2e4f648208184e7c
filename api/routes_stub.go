//go:build !withreports

package api

import "github.com/gin-gonic/gin"

func (s *Server) reportRoutes(ev *gin.RouterGroup) {}
