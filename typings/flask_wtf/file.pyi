from wtforms import FileField as _FileField

class FileField(_FileField):
    """WTForms' file field, reading werkzeug's ``FileStorage``."""
