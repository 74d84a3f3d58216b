from api.urls import network_patterns

urlpatterns = network_patterns()
