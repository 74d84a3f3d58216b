from api.urls import structure_patterns

urlpatterns = structure_patterns()
