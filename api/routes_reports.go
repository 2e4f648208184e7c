package api

import "github.com/gin-gonic/gin"

// reportRoutes are (api/openapi.yaml, Import and export, Reports): imports, templates, exports and reports.
func (s *Server) reportRoutes(ev *gin.RouterGroup) {
	ev.POST("/nominations/import", nominators, s.importNominations)
	ev.GET("/nominations/template.csv", nominators, s.templateCSV)
	ev.GET("/nominations/template.xlsx", nominators, s.templateXLSX)
	ev.GET("/nominations/export.csv", secretariat, func(c *gin.Context) { s.exportNominations(c, "csv") })
	ev.GET("/nominations/export.xlsx", secretariat, func(c *gin.Context) { s.exportNominations(c, "xlsx") })
	ev.GET("/reports/summary", secretariat, s.summary)
	ev.GET("/reports/participants", secretariat, s.participants)
}
