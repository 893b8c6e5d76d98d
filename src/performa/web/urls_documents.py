from django.urls import path

from performa.web.views import documents

urlpatterns = [
    path("", documents.documents, name="documents"),
    # «piano.pdf», «pira-consuntivo.xlsx», «opendata.csv»: the name says what comes back.
    path("<slug:kind>.<slug:fmt>", documents.download, name="document_download"),
]
