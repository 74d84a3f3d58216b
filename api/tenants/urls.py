network_urlpatterns: list = []
structure_urlpatterns: list = []
