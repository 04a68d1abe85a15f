app_name = "interchange"
urlpatterns: list = []  # filled by the interchange work
