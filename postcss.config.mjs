// PostCSS pipeline for tailwindcss v4.
export default { plugins: { '@tailwindcss/postcss': {} } };
