{{- define "vitrine-operator.labels" -}}
app.kubernetes.io/name: vitrine-operator
app.kubernetes.io/part-of: vitrine
{{- end -}}
